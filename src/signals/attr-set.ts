// SPDX-License-Identifier: Apache-2.0
// Attribute sets interned in a tree: `ROOT.with('provider', p).with('endpoint', e)…` walks to the
// same node for the same values, so a record's series are found with a few map lookups and no
// string or object built per record (DESIGN.md §7: aggregate by a precomputed key). Each node
// keeps its attributes and its key (built once, when the node is created). Keys follow the order
// attributes were added, which is fixed per call site. The tree is bounded: past MAX_INTERNED
// nodes a `with` still answers a correct set, just not a remembered one.
import type { Attributes } from '@opentelemetry/api';

type Value = string | number | boolean;

export const MAX_INTERNED = 20_000;
let interned = 0;

/** The children of one node under one key; `last` answers a repeat of the previous value at once. */
interface Branch {
  key: string;
  byValue: Map<Value, AttrSet>;
  lastValue: Value | undefined;
  last: AttrSet | undefined;
}

export class AttrSet {
  /**
   * By key, in the order first asked. A node is asked for a handful of keys, always the same
   * constant strings (names.ts), so a scan comparing them beats hashing the key; most records
   * repeat the value asked last (one provider, one endpoint, mostly one status), which is then
   * answered without a map lookup.
   */
  private branches?: Branch[];

  private constructor(
    readonly attrs: Attributes,
    readonly key: string,
  ) {}

  /** The empty set every interned chain starts from. */
  static readonly ROOT = new AttrSet({}, '');

  /** A set built from scratch (not interned): tests and one-off sets. */
  static of(attrs: Attributes): AttrSet {
    let key = '';
    for (const k in attrs) key += `${k}\u0001${String(attrs[k])}\u0000`;
    return new AttrSet(attrs, key);
  }

  /** This set plus one attribute; itself when the value is absent. The same node every time. */
  with(k: string, v: Value | undefined): AttrSet {
    if (v === undefined) return this;
    const branches = this.branches;
    let b: Branch | undefined;
    if (branches !== undefined)
      for (let i = 0; i < branches.length; i++)
        if (branches[i].key === k) {
          b = branches[i];
          break;
        }
    if (b !== undefined) {
      if (b.lastValue === v) return b.last!;
      const hit = b.byValue.get(v);
      if (hit !== undefined) {
        b.lastValue = v;
        b.last = hit;
        return hit;
      }
    }
    const child = new AttrSet({ ...this.attrs, [k]: v }, `${this.key}${k}\u0001${String(v)}\u0000`);
    if (interned >= MAX_INTERNED) return child;
    interned++;
    if (b === undefined) {
      b = { key: k, byValue: new Map(), lastValue: undefined, last: undefined };
      (this.branches ??= []).push(b);
    }
    b.byValue.set(v, child);
    b.lastValue = v;
    b.last = child;
    return child;
  }
}
