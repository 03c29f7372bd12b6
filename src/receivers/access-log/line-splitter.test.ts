// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import fc from 'fast-check';
import { LineSplitter } from './line-splitter.js';
import type { LineSink } from './line-splitter.js';

/** Collects lines; asks to stop after every `stopEvery`-th line when set. */
function collector(stopEvery = 0): LineSink & { got: Array<[string, boolean]> } {
  const got: Array<[string, boolean]> = [];
  return {
    got,
    line(text, cut) {
      got.push([text, cut]);
      return stopEvery > 0 && got.length % stopEvery === 0;
    },
  };
}

/** Feeds `text` in the given chunk sizes, re-feeding what a stop left over; then the held line. */
function splitAll(text: string, sizes: number[], max: number, stopEvery = 0) {
  const s = new LineSplitter(max);
  const sink = collector(stopEvery);
  let pos = 0;
  let i = 0;
  while (pos < text.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    pos += s.push(text.slice(pos, pos + n), sink);
  }
  const last = s.takePartial();
  if (last.length > 0) sink.got.push([last, false]);
  return sink.got;
}

/** The reference: split on \n, strip one CR, cut to `max`. */
function reference(text: string, max: number): Array<[string, boolean]> {
  const parts = text.split('\n');
  const tail = parts.pop()!;
  const out: Array<[string, boolean]> = parts.map((p) => {
    const l = p.endsWith('\r') ? p.slice(0, -1) : p;
    return l.length > max ? [l.slice(0, max), true] : [l, false];
  });
  const l = tail.endsWith('\r') ? tail.slice(0, -1) : tail;
  if (l.length > 0) out.push(l.length > max ? [l.slice(0, max), true] : [l, false]);
  return out;
}

describe('line splitter', () => {
  it('cuts lines across chunk borders, strips CR, holds the unfinished line', () => {
    const s = new LineSplitter(100);
    const sink = collector();
    expect(s.push('a 1\r\nb ', sink)).to.equal(7);
    expect(s.pending).to.equal(2);
    s.push('2\nc', sink);
    expect(sink.got).to.deep.equal([
      ['a 1', false],
      ['b 2', false],
    ]);
    expect(s.takePartial()).to.equal('c');
    expect(s.pending).to.equal(0);
  });

  it('stops after the line the sink asks to stop at, consuming only up to its end', () => {
    const s = new LineSplitter(100);
    const sink = collector(1);
    expect(s.push('ab\ncd\nef', sink)).to.equal(3);
    expect(sink.got).to.deep.equal([['ab', false]]);
    expect(s.pending, 'nothing held after a stop').to.equal(0);
  });

  it('gives the head of an over-long line once and skips the rest up to its newline', () => {
    const s = new LineSplitter(4);
    const sink = collector();
    s.push('abcdefgh', sink); // no newline yet: head given now
    s.push('ijk\nok\n', sink);
    expect(sink.got).to.deep.equal([
      ['abcd', true],
      ['ok', false],
    ]);
  });

  it('any chunking and any stops give the reference lines (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r'), maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 3 }),
        (text, sizes, stopEvery) => {
          const max = 1000; // longer than any text: cutting is checked above, chunking here
          expect(splitAll(text, sizes, max, stopEvery)).to.deep.equal(reference(text, max));
        },
      ),
      { numRuns: 500 },
    );
  });
});
