// SPDX-License-Identifier: Apache-2.0
// An attribute set with its aggregation key built incrementally, so recording a value costs one
// map lookup instead of hashing the attributes each time (DESIGN.md §7: aggregate by a
// precomputed key). Keys follow the order attributes were added, which is fixed per call site.
import type { Attributes } from '@opentelemetry/api';

export class AttrSet {
  private constructor(
    readonly attrs: Attributes,
    readonly key: string,
  ) {}

  static of(attrs: Attributes): AttrSet {
    let key = '';
    for (const k in attrs) key += `${k}\u0001${String(attrs[k])}\u0000`;
    return new AttrSet(attrs, key);
  }

  /** This set plus one attribute; itself when the value is absent. */
  with(k: string, v: string | number | boolean | undefined): AttrSet {
    if (v === undefined) return this;
    return new AttrSet({ ...this.attrs, [k]: v }, `${this.key}${k}\u0001${String(v)}\u0000`);
  }
}
