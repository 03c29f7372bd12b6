// SPDX-License-Identifier: Apache-2.0
// Properties of the shape fingerprint (shape.ts): it never throws on any JSON value, is
// deterministic, ignores key order, values and array lengths (its design), and is bounded.
import { expect } from 'chai';
import fc from 'fast-check';
import { shapeAndHash, shapeHash, shapeLineSet, shapeOf } from './shape.js';

const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '',
  'a.b',
  'x:y',
  '[]',
  '$',
  'é😊',
];
const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 1, arbitrary: fc.string({ minLength: 60, maxLength: 90 }) },
);
/** JSON values whose objects may carry odd keys (JSON.parse makes `__proto__` an own key). */
const json: fc.Arbitrary<unknown> = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string({ maxLength: 4 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 5 })
        .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`)
        .map((t) => JSON.parse(t) as unknown),
    ),
  }))
  .value.map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** The same value with every object's keys in another order (recursively). */
function reorder(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reorder(x, seed + i));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]).reverse();
  // built through JSON so `__proto__` stays an own key, as it is in a parsed body
  return JSON.parse(
    `{${rotated.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(reorder(x, seed + 1))}`).join(',')}}`,
  ) as unknown;
}

/** Every array repeated and reversed, every leaf replaced by another value of its type. */
function sameShapeOtherValues(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(sameShapeOtherValues);
    return [...items, ...items].reverse();
  }
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
      return `${v}~other`;
    case 'number':
      return v + 1.5;
    case 'boolean':
      return !v;
    case 'object':
      return JSON.parse(
        `{${Object.entries(v)
          .map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(sameShapeOtherValues(x))}`)
          .join(',')}}`,
      ) as unknown;
    default:
      return v;
  }
}

function checkBounds(shape: readonly string[]): void {
  expect(shape.length).to.be.at.most(256);
  // ≤ 10 levels of (a key cut at 64 characters + "…" + "." or "[]") plus ":type"
  for (const line of shape) expect(line.length).to.be.at.most(10 * 68 + 16);
  expect([...shape].sort()).to.deep.equal(shape);
}

describe('shape fingerprint properties (fast-check)', () => {
  it('never throws, deterministic, bounded, on arbitrary JSON with odd keys', () => {
    fc.assert(
      fc.property(json, (v) => {
        const a = shapeOf(v);
        expect(shapeOf(JSON.parse(JSON.stringify(v)))).to.deep.equal(a);
        checkBounds(a);
        expect(shapeHash(a)).to.match(/^[0-9a-f]{16}$/);
      }),
      { numRuns: 300 },
    );
  });

  it('independent of key order', () => {
    fc.assert(
      fc.property(json, fc.nat(7), (v, seed) => {
        expect(shapeOf(reorder(v, seed))).to.deep.equal(shapeOf(v));
      }),
      { numRuns: 300 },
    );
  });

  it('independent of values and of array lengths and item order', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(shapeOf(sameShapeOtherValues(v))).to.deep.equal(shapeOf(v));
      }),
      { numRuns: 300 },
    );
  });

  it('past the 256-path cap, still independent of key order (the kept paths do not depend on it)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 257, maxLength: 400 }),
        fc.nat(50),
        (keys, seed) => {
          const body = JSON.parse(
            `{${keys.map((k) => `${JSON.stringify(k)}:{"v":1}`).join(',')}}`,
          ) as unknown;
          const a = shapeOf(body);
          expect(a.length).to.equal(256);
          expect(shapeOf(reorder(body, seed))).to.deep.equal(a);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('deep nesting, a huge array and a wide object stay bounded and quick to fingerprint', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = i % 2 ? { k: deep } : [deep];
    checkBounds(shapeOf(deep));
    const huge = Array.from({ length: 200_000 }, (_, i) => ({ i, s: String(i) }));
    expect(shapeOf(huge)).to.deep.equal(['$:array', '[].i:number', '[].s:string', '[]:object']);
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    checkBounds(shapeOf(wide));
    expect(shapeOf(undefined, () => 1, 10n, Symbol('s'))).to.deep.equal(['$:unknown']);
  });
  it('shapeLineSet holds the lines of shapeOf (the request check reads it instead)', () => {
    fc.assert(
      fc.property(json, (v) => {
        const set = shapeLineSet(v);
        const sorted = shapeOf(v);
        if (set.size <= 256) expect([...set].sort()).to.deep.equal(sorted);
        else for (const l of sorted) expect(set.has(l)).to.equal(true);
      }),
    );
  });

  it('shapeAndHash (remembered by walk order) always equals shapeOf + shapeHash', () => {
    // pairs of values walked one after the other: a remembered order must never answer for
    // another value, whether the two share the order (reordered keys, other values) or not
    fc.assert(
      fc.property(json, json, fc.nat(7), (a, b, seed) => {
        for (const v of [a, b, reorder(a, seed), sameShapeOtherValues(a), a, b]) {
          const got = shapeAndHash([v]);
          const want = shapeOf(v);
          expect(got.shape).to.deep.equal(want);
          expect(got.hash).to.equal(shapeHash(want));
        }
        const both = shapeAndHash([a, b]);
        expect(both.shape).to.deep.equal(shapeOf(a, b));
      }),
      { numRuns: 300 },
    );
  });
});
