// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import fc from 'fast-check';
import { isAbsent, latin1ToUtf8, numAt } from './values.js';

/** What `num()` promises: Number() of the text, absent markers and non-finite values excluded. */
function reference(v: string): number | undefined {
  if (isAbsent(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

describe('access-log values', () => {
  it('numAt reads what Number() reads from the substring, for any text and range', () => {
    const numberish = fc.oneof(
      fc.string(),
      fc.constantFrom('-', '', 'null', '0.000', '12', '1e3', ' 7 ', '.5', '5.', '-3', '0x10', 'Infinity'),
      fc.double({ noNaN: true }).map(String),
      fc.nat().map(String),
    );
    fc.assert(
      fc.property(fc.string(), numberish, fc.string(), (pre, v, post) => {
        const s = pre + v + post;
        expect(numAt(s, pre.length, pre.length + v.length)).to.deep.equal(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('re-reads high latin1 bytes as UTF-8 and keeps ASCII as it is', () => {
    expect(latin1ToUtf8('gpt-4o')).to.equal('gpt-4o');
    expect(latin1ToUtf8(Buffer.from('modèle-é', 'utf8').toString('latin1'))).to.equal('modèle-é');
    expect(latin1ToUtf8('\xff')).to.equal('\ufffd');
  });
});
