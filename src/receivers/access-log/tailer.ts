// SPDX-License-Identifier: Apache-2.0
// One followed file: identity by fingerprint (first bytes), a read offset (what was handed to
// the pipeline) and a committed offset (what every exporter acknowledged), plus the partial
// last line. Reads are synchronous chunked preads: local files, bounded chunks.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Fingerprint {
  len: number;
  hash: string;
  bytes: Buffer;
}

export function fingerprintOf(fd: number, size: number, max: number): Fingerprint {
  const len = Math.min(size, max);
  const bytes = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, bytes, got, len - got, got);
    if (n <= 0) break;
    got += n;
  }
  const b = bytes.subarray(0, got);
  return { len: got, hash: hashBytes(b), bytes: b };
}

export function hashBytes(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 32);
}

let nextId = 1;

export class TrackedFile {
  readonly id = nextId++;
  /** Bumped on truncation so acknowledgements of older content do not move the new offset. */
  gen = 0;
  committed: number;
  partial = '';
  partialSince = 0;
  /** Dropping the rest of an over-long line until its newline. */
  discarding = false;
  lastSize: number;
  lastMtime = 0;
  lastGrowthAt: number;
  /** Still found at an included path (false once rotated away or deleted). */
  matched = true;

  constructor(
    public path: string,
    readonly fd: number,
    readonly dev: number,
    readonly ino: number,
    public fp: Fingerprint,
    public readOffset: number,
    now: number,
  ) {
    this.committed = readOffset;
    this.lastSize = readOffset;
    this.lastGrowthAt = now;
  }

  static open(path: string, fpMax: number, now: number): { file: TrackedFile; size: number } {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      const fp = fingerprintOf(fd, st.size, fpMax);
      return { file: new TrackedFile(path, fd, st.dev, st.ino, fp, 0, now), size: st.size };
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  key(): string {
    return `${this.dev}:${this.ino}`;
  }

  /** Content at the start of the file no longer matches: it was truncated (and maybe rewritten). */
  fingerprintChanged(size: number): boolean {
    if (this.fp.len === 0) return false;
    if (size < this.fp.len) return true;
    const head = Buffer.alloc(this.fp.len);
    const n = readSync(this.fd, head, 0, this.fp.len, 0);
    return n !== this.fp.len || !head.equals(this.fp.bytes);
  }

  /** Lengthen a short fingerprint as the file grows (stronger identity across restarts). */
  growFingerprint(size: number, fpMax: number): void {
    if (this.fp.len >= fpMax || size <= this.fp.len) return;
    this.fp = fingerprintOf(this.fd, size, fpMax);
  }

  resetForTruncation(size: number, fpMax: number): void {
    this.gen++;
    this.readOffset = 0;
    this.committed = 0;
    this.partial = '';
    this.discarding = false;
    this.fp = fingerprintOf(this.fd, size, fpMax);
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
