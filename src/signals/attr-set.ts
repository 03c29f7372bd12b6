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

export class AttrSet {
  private children?: Map<string, Map<Value, AttrSet>>;

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
    let byValue = this.children?.get(k);
    const hit = byValue?.get(v);
    if (hit) return hit;
    const child = new AttrSet({ ...this.attrs, [k]: v }, `${this.key}${k}\u0001${String(v)}\u0000`);
    if (interned >= MAX_INTERNED) return child;
    interned++;
    if (!byValue) {
      byValue = new Map();
      (this.children ??= new Map()).set(k, byValue);
    }
    byValue.set(v, child);
    return child;
  }
}
