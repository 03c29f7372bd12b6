// SPDX-License-Identifier: Apache-2.0
// Known response shapes per (contract, target, model, kind), persisted in the component's data
// directory so a restart does not announce the same shapes again. Bounded: a fixed number of
// keys and of shapes per key; past the bound, new shapes are reported but not learned.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ShapeDiff } from '../model/call-record.js';
import { diffShapes, diffSize } from './shape.js';

export interface ShapeObservation {
  /** true when the hash was already known (learned or pinned). */
  known: boolean;
  /** true when this was the first shape for the key: learned silently as the baseline. */
  baseline: boolean;
  /** Set when a new shape appeared for a key that had others: the drift event. */
  diff?: ShapeDiff;
  /** The store was full: reported, not learned. */
  overflow?: boolean;
}

interface FileFormat {
  version: 1;
  keys: Record<string, Record<string, string[]>>;
}

export class ShapeStore {
  private readonly keys = new Map<string, Map<string, string[]>>();
  private dirty = false;
  /** Shapes of one key share most lines: keep one copy of each line string. */
  private readonly pool = new Map<string, string>();

  constructor(
    private readonly dir: string | undefined,
    private readonly limits = { maxKeys: 256, maxShapesPerKey: 16 },
  ) {}

  get file(): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, 'known-shapes.json');
  }

  /** Loads the persisted shapes; a missing file is normal, a corrupt one is reported and ignored. */
  load(): { loaded: number; error?: string } {
    const f = this.file;
    if (!f) return { loaded: 0 };
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      return { loaded: 0 };
    }
    try {
      const doc = JSON.parse(text) as FileFormat;
      let n = 0;
      for (const [key, hashes] of Object.entries(doc.keys ?? {})) {
        if (this.keys.size >= this.limits.maxKeys) break;
        const m = new Map<string, string[]>();
        for (const [h, paths] of Object.entries(hashes)) {
          if (/^[0-9a-f]{16}$/.test(h) && Array.isArray(paths)) {
            m.set(
              h,
              paths.filter((p) => typeof p === 'string'),
            );
            n++;
          }
        }
        this.keys.set(key, m);
      }
      return { loaded: n };
    } catch (err) {
      return { loaded: 0, error: `cannot parse ${f}: ${(err as Error).message}` };
    }
  }

  observe(
    key: string,
    hash: string,
    shape: readonly string[],
    pinned: ReadonlySet<string>,
  ): ShapeObservation {
    let m = this.keys.get(key);
    if (m?.has(hash) || pinned.has(hash)) return { known: true, baseline: false };
    if (!m) {
      if (this.keys.size >= this.limits.maxKeys) return { known: false, baseline: false, overflow: true };
      m = new Map();
      this.keys.set(key, m);
    }
    const first = m.size === 0 && pinned.size === 0;
    let diff: ShapeDiff | undefined;
    if (!first) {
      for (const known of m.values()) {
        const d = diffShapes(known, shape);
        if (diff === undefined || diffSize(d) < diffSize(diff)) diff = d;
      }
      // only pinned hashes so far (no learned paths to compare with): everything is new
      diff ??= {
        added: shape.map((l) => l.slice(0, l.lastIndexOf(':'))).slice(0, 20),
        removed: [],
        changed: [],
      };
    }
    // only nullability differs from a known shape: learn it quietly, it is not drift
    if (diff && diffSize(diff) === 0) diff = undefined;
    if (m.size >= this.limits.maxShapesPerKey) return { known: false, baseline: false, diff, overflow: true };
    m.set(hash, this.intern(shape));
    this.dirty = true;
    return { known: !first && diff === undefined, baseline: first, diff };
  }

  private intern(lines: readonly string[]): string[] {
    return lines.map((l) => {
      const hit = this.pool.get(l);
      if (hit !== undefined) return hit;
      this.pool.set(l, l);
      return l;
    });
  }

  /** Writes atomically (temp file + rename) when something new was learned. */
  flush(): void {
    const f = this.file;
    if (!f || !this.dirty || this.dir === undefined) return;
    const doc: FileFormat = { version: 1, keys: {} };
    for (const [k, m] of this.keys) doc.keys[k] = Object.fromEntries(m);
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, f);
    this.dirty = false;
  }

  /** Forgets everything learned in memory (offline judging: each input is judged on its own). */
  clear(): void {
    this.keys.clear();
    this.pool.clear();
  }

  get size(): number {
    let n = 0;
    for (const m of this.keys.values()) n += m.size;
    return n;
  }
}
