// SPDX-License-Identifier: Apache-2.0
// Canonical body shapes: sorted `path:type` lines, arrays collapsed to `[]` (the union of their
// items), values dropped, integers and floats both `number`. Same keys and types → same hash,
// whatever the key order or the values.
import { createHash } from 'node:crypto';
import type { ShapeDiff } from '../model/call-record.js';

const MAX_DEPTH = 10;
const MAX_PATHS = 256;
const MAX_KEY = 64;

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

function walk(v: unknown, path: string, depth: number, out: Set<string>): void {
  if (out.size >= MAX_PATHS) return;
  if (Array.isArray(v)) {
    out.add(`${path}:array`);
    if (depth >= MAX_DEPTH) return;
    for (const item of v) walk(item, `${path}[]`, depth + 1, out);
    return;
  }
  if (v !== null && typeof v === 'object') {
    out.add(`${path === '' ? '$' : path}:object`);
    if (depth >= MAX_DEPTH) return;
    for (const k of Object.keys(v)) {
      const key = k.length > MAX_KEY ? `${k.slice(0, MAX_KEY)}…` : k;
      walk((v as Record<string, unknown>)[k], path === '' ? key : `${path}.${key}`, depth + 1, out);
    }
    return;
  }
  out.add(`${path === '' ? '$' : path}:${leafType(v)}`);
}

/** Shape of one JSON value (or the union of several, e.g. all chunks of a stream). */
export function shapeOf(...values: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) walk(v, '', 0, out);
  return [...out].sort();
}

export function shapeHash(shape: readonly string[]): string {
  return createHash('sha256').update(shape.join('\n')).digest('hex').slice(0, 16);
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
