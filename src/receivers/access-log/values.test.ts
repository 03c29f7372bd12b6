// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import fc from 'fast-check';
import { isAbsent, latin1ToUtf8, numAt, TimeParser } from './values.js';

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

  it('reads timestamps in place: a repeat is recognised, a change is parsed', () => {
    const t = new TimeParser();
    const a = '1.2.3.4 [26/Nov/2026:15:14:32 +0000] x';
    const b = '1.2.3.4 [26/Nov/2026:15:14:33 +0100] x';
    const at = (line: string) => t.localAt(line, 9, 35);
    expect(at(a)).to.equal(Date.UTC(2026, 10, 26, 15, 14, 32));
    expect(at(a)).to.equal(Date.UTC(2026, 10, 26, 15, 14, 32));
    expect(at(b)).to.equal(Date.UTC(2026, 10, 26, 14, 14, 33));
    expect(t.localAt('[26/Nov/2026:15:14:3]', 1, 20)).to.equal(undefined);
    expect(t.isoAt('x2026-11-26T15:14:32Zx', 1, 21)).to.equal(Date.UTC(2026, 10, 26, 15, 14, 32));
  });
});
