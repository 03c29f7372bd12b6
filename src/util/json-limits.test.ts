// SPDX-License-Identifier: Apache-2.0
// The pre-parse scan that bounds the work per body: depth and value counts on real JSON text,
// string contents (brackets, commas, escaped quotes) ignored, and the property that it agrees
// with the parsed value's own depth and size.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_JSON_LIMITS,
  jsonLimitsOf,
  overJsonLimits,
  overJsonLimitsInBytes,
  startsJsonContainer,
} from './json-limits.js';

function depthOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const kids = Array.isArray(v) ? v : Object.values(v);
  return 1 + kids.reduce<number>((m, k) => Math.max(m, depthOf(k)), 0);
}

function valuesOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 1;
  const kids = Array.isArray(v) ? v : Object.values(v);
  return 1 + kids.reduce<number>((n, k) => n + valuesOf(k), 0);
}

describe('JSON limits scan', () => {
  it('passes an ordinary chat completion with the default limits', () => {
    const body = JSON.stringify({
      id: 'chatcmpl-1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    expect(overJsonLimits(body)).to.equal(undefined);
  });

  it('counts depth exactly at the limit', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(overJsonLimits(nest(64), { maxDepth: 64, maxValues: 1000 })).to.equal(undefined);
    expect(overJsonLimits(nest(65), { maxDepth: 64, maxValues: 1000 })).to.equal('too_deep');
    expect(overJsonLimits(`{"a":{"b":${nest(3)}}}`, { maxDepth: 4, maxValues: 1000 })).to.equal('too_deep');
  });

  it('stops at a 400,000-deep array without parsing it', () => {
    const text = `{"x":${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
    expect(overJsonLimits(text)).to.equal('too_deep');
  });

  it('counts values: items, members and scalars', () => {
    const arr = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => i));
    // the array itself plus its n items
    expect(overJsonLimits(arr(9), { maxDepth: 8, maxValues: 10 })).to.equal(undefined);
    expect(overJsonLimits(arr(10), { maxDepth: 8, maxValues: 10 })).to.equal('too_many_values');
    const keys = JSON.stringify(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])));
    expect(overJsonLimits(keys)).to.equal('too_many_values');
  });

  it('counts a text as long as maxValues (one value a character, plus one)', () => {
    const limits = { maxDepth: 64, maxValues: 4 };
    expect(overJsonLimits('[[[[', limits)).to.equal('too_many_values');
    expect(overJsonLimitsInBytes(Buffer.from('[[[['), limits)).to.equal('too_many_values');
    expect(overJsonLimits('[[[', limits)).to.equal(undefined);
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    const tricky = JSON.stringify({ a: '[[[[,,,,{{{{', b: 'say \\"[[[\\" ok', c: '\\\\', d: ['"]]]"'] });
    expect(overJsonLimits(tricky, { maxDepth: 2, maxValues: 6 })).to.equal(undefined);
    expect(overJsonLimits(tricky, { maxDepth: 1, maxValues: 6 })).to.equal('too_deep');
  });

  it('leaves malformed text to JSON.parse (no verdict, no throw)', () => {
    expect(overJsonLimits('{"a":"unterminated')).to.equal(undefined);
    expect(overJsonLimits(']]]]')).to.equal(undefined);
    expect(overJsonLimits('')).to.equal(undefined);
  });

  it('agrees with the parsed value: never over when within, always over when beyond', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 8 }), (v, d) => {
        const text = JSON.stringify(v);
        const depth = depthOf(v);
        const values = valuesOf(v);
        const roomy = { maxDepth: 100, maxValues: 1_000_000 };
        expect(overJsonLimits(text, roomy)).to.equal(undefined);
        expect(overJsonLimits(text, { maxDepth: d, maxValues: 1_000_000 })).to.equal(
          depth > d ? 'too_deep' : undefined,
        );
        // an empty container may count once more than its true size, never less
        if (values > 1)
          expect(overJsonLimits(text, { maxDepth: 100, maxValues: values - 1 })).to.not.equal(undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('scans raw UTF-8 bytes the same way as text (multi-byte characters included)', () => {
    const text = JSON.stringify({ a: 'żółw 🐢 "[[[" \\', b: [[['ü']]], c: '日本語,,,{{' });
    for (const limits of [
      { maxDepth: 4, maxValues: 100 },
      { maxDepth: 3, maxValues: 100 },
      { maxDepth: 4, maxValues: 5 },
    ])
      expect(overJsonLimitsInBytes(Buffer.from(text), limits)).to.equal(overJsonLimits(text, limits));
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 60 }),
        (v, d, n) => {
          const t = JSON.stringify(v);
          const limits = { maxDepth: d, maxValues: n };
          expect(overJsonLimitsInBytes(Buffer.from(t), limits)).to.equal(overJsonLimits(t, limits));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells a JSON container from other bodies by the first non-blank byte', () => {
    expect(startsJsonContainer(Buffer.from(' \r\n\t{"a":1}'))).to.equal(true);
    expect(startsJsonContainer(Buffer.from('[1]'))).to.equal(true);
    expect(startsJsonContainer(Buffer.from('<html>[[[[</html>'))).to.equal(false);
    expect(startsJsonContainer(Buffer.from('  '))).to.equal(false);
  });

  it('takes the receiver options, defaulting what is not set', () => {
    expect(jsonLimitsOf({})).to.deep.equal(DEFAULT_JSON_LIMITS);
    expect(jsonLimitsOf({ max_json_depth: 8, max_json_values: 50 })).to.deep.equal({
      maxDepth: 8,
      maxValues: 50,
    });
  });
});
