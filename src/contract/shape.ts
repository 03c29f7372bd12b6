// SPDX-License-Identifier: Apache-2.0
// Canonical body shapes: sorted `path:type` lines, arrays collapsed to `[]` (the union of their
// items), values dropped, integers and floats both `number`. Same keys and types → same hash,
// whatever the key order or the values.
import { createHash } from 'node:crypto';
import type { ShapeDiff } from '../model/call-record.js';

const MAX_DEPTH = 10;
const MAX_PATHS = 256;
const MAX_KEY = 64;
const MAX_NODES = 20_000;

/**
 * Path strings are built once and reused: bodies of one API share their paths, and reusing the
 * same (already hashed) strings makes fingerprinting several times cheaper than concatenating
 * `parent.key:type` for every node of every body. Bounded; past the bound, plain concatenation.
 */
interface PathNode {
  path: string;
  children: Map<string, PathNode>;
  item?: PathNode;
  lines: Map<string, Line>;
}

/** One `path:type` line; `id` names it in a walk's sequence, `seen` dedups it within one walk. */
interface Line {
  readonly text: string;
  readonly id: number;
  seen: number;
}

let nodeCount = 0;
let lineCount = 0;
/** Bumped by every walk: a line whose `seen` equals it was already visited in this walk. */
let walkEpoch = 0;
const ROOT: PathNode = { path: '', children: new Map(), lines: new Map() };

function newNode(path: string): PathNode {
  nodeCount++;
  return { path, children: new Map(), lines: new Map() };
}

function child(n: PathNode, key: string): PathNode {
  let c = n.children.get(key);
  if (!c) {
    const k = key.length > MAX_KEY ? `${key.slice(0, MAX_KEY)}…` : key;
    const path = n.path === '' ? k : `${n.path}.${k}`;
    if (nodeCount >= MAX_NODES) return { path, children: new Map(), lines: new Map() };
    c = newNode(path);
    n.children.set(key, c);
  }
  return c;
}

function item(n: PathNode): PathNode {
  if (!n.item) {
    const path = `${n.path}[]`;
    if (nodeCount >= MAX_NODES) return { path, children: new Map(), lines: new Map() };
    n.item = newNode(path);
  }
  return n.item;
}

function line(n: PathNode, type: string): Line {
  let l = n.lines.get(type);
  if (l === undefined) {
    l = { text: `${n.path === '' ? '$' : n.path}:${type}`, id: ++lineCount, seen: 0 };
    n.lines.set(type, l);
  }
  return l;
}

function leafType(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'unknown';
  }
}

/**
 * Keeps the MAX_PATHS alphabetically smallest distinct lines seen, in at most 2 × MAX_PATHS
 * memory. Which lines survive the cap depends only on the set of lines, never on key order or
 * array order (a first-come cap made big bodies' fingerprints depend on key order).
 */
class SmallestLines {
  private set = new Set<string>();
  /** Once trimmed: the largest line kept; anything larger can never make the final cut. */
  private max?: string;

  add(line: string): void {
    if (this.max !== undefined && line > this.max) return;
    this.set.add(line);
    if (this.set.size > 2 * MAX_PATHS) {
      const kept = this.sorted();
      this.set = new Set(kept);
      this.max = kept[kept.length - 1];
    }
  }

  sorted(): string[] {
    return [...this.set].sort().slice(0, MAX_PATHS);
  }
}

/** The distinct lines of one walk, in the order first seen. */
class Distinct {
  readonly lines: Line[] = [];
  /** FNV-1a of the line ids in order: the memo's key (checked against the ids on a hit). */
  key = 0x811c9dc5;

  add(l: Line): void {
    if (l.seen === walkEpoch) return;
    l.seen = walkEpoch;
    this.lines.push(l);
    this.key = Math.imul(this.key ^ l.id, 0x01000193);
  }
}

function walk(v: unknown, n: PathNode, depth: number, out: Distinct): void {
  if (Array.isArray(v)) {
    out.add(line(n, 'array'));
    if (depth >= MAX_DEPTH || v.length === 0) return;
    const it = item(n);
    for (const x of v) walk(x, it, depth + 1, out);
    return;
  }
  if (v !== null && typeof v === 'object') {
    out.add(line(n, 'object'));
    if (depth >= MAX_DEPTH) return;
    for (const k in v) {
      if (Object.prototype.hasOwnProperty.call(v, k))
        walk((v as Record<string, unknown>)[k], child(n, k), depth + 1, out);
    }
    return;
  }
  out.add(line(n, leafType(v)));
}

function distinctLines(values: readonly unknown[]): Distinct {
  walkEpoch++;
  const out = new Distinct();
  for (const v of values) walk(v, ROOT, 0, out);
  return out;
}

function sortedCapped(lines: readonly Line[]): string[] {
  const out = new SmallestLines();
  for (const l of lines) out.add(l.text);
  return out.sorted();
}

/** Shape of one JSON value (or the union of several, e.g. all chunks of a stream). */
export function shapeOf(...values: unknown[]): string[] {
  return sortedCapped(distinctLines(values).lines);
}

/**
 * The distinct `path:type` lines of one JSON value, unsorted and uncapped: for membership tests
 * (the request check), where sorting and the cap of `shapeOf` are work for nothing. The value is
 * one the receivers parsed within their JSON limits, so the set is bounded by them.
 */
export function shapeLineSet(value: unknown): Set<string> {
  return new Set(distinctLines([value]).lines.map((l) => l.text));
}

export function shapeHash(shape: readonly string[]): string {
  return createHash('sha256').update(shape.join('\n')).digest('hex').slice(0, 16);
}

/** A shape and its hash, as computed for a walk that met these lines in this order. */
interface Memo {
  ids: number[];
  shape: readonly string[];
  hash: string;
}
const MEMO_MAX = 512;
const MEMO_MAX_LINES = 1024;
const memo = new Map<number, Memo>();

/**
 * `shapeOf` and `shapeHash` together, for judging every call: bodies of one API meet the same
 * lines in the same order, so the sorted shape and its SHA-256 (two thirds of the cost) are
 * remembered by that order and reused. Bounded: at most MEMO_MAX orders of at most
 * MEMO_MAX_LINES lines; when full it starts again.
 */
export function shapeAndHash(values: readonly unknown[]): { shape: readonly string[]; hash: string } {
  const d = distinctLines(values);
  const hit = memo.get(d.key);
  if (hit && hit.ids.length === d.lines.length && d.lines.every((l, i) => l.id === hit.ids[i])) return hit;
  const shape = sortedCapped(d.lines);
  const m: Memo = { ids: d.lines.map((l) => l.id), shape, hash: shapeHash(shape) };
  if (d.lines.length <= MEMO_MAX_LINES) {
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(d.key, m);
  }
  return m;
}

const DIFF_CAP = 20;

/** Paths added, removed and type-changed between a known shape and a new one. */
export function diffShapes(known: readonly string[], next: readonly string[]): ShapeDiff {
  const split = (s: readonly string[]) => {
    const m = new Map<string, Set<string>>();
    for (const line of s) {
      const i = line.lastIndexOf(':');
      const p = line.slice(0, i);
      const t = line.slice(i + 1);
      let set = m.get(p);
      if (!set) m.set(p, (set = new Set()));
      set.add(t);
    }
    return m;
  };
  const a = split(known);
  const b = split(next);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [p, types] of b) {
    const old = a.get(p);
    if (!old) added.push(p);
    // null on either side is a value difference (content null on a refusal), not a type change
    else if (!nullOnly(types) && !nullOnly(old) && [...types].sort().join('|') !== [...old].sort().join('|'))
      changed.push(`${p}:${[...old].sort().join('|')}->${[...types].sort().join('|')}`);
  }
  for (const p of a.keys()) if (!b.has(p)) removed.push(p);
  added.sort();
  removed.sort();
  changed.sort();
  return {
    added: added.slice(0, DIFF_CAP),
    removed: removed.slice(0, DIFF_CAP),
    changed: changed.slice(0, DIFF_CAP),
  };
}

function nullOnly(s: ReadonlySet<string>): boolean {
  return s.size === 1 && s.has('null');
}

export function diffSize(d: ShapeDiff): number {
  return d.added.length + d.removed.length + d.changed.length;
}
