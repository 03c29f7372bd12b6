// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { consumerFromFn, newContext } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import { sampleRecord } from '../testing/compliance.js';
import { fanout, Relay } from './fanout.js';

describe('fanout', () => {
  it('returns the single consumer unwrapped', () => {
    const c = consumerFromFn(async () => {});
    expect(fanout([c])).to.equal(c);
  });

  it('shares the batch with readers and copies it for mutators', async () => {
    const seen: CallRecord[][] = [];
    const reader = consumerFromFn(async (b) => void seen.push(b));
    const mutator = consumerFromFn(async (b) => {
      b[0].request.model = 'changed';
      seen.push(b);
    }, true);
    const batch = [sampleRecord()];
    await fanout([reader, mutator]).consume(batch, newContext());
    expect(seen[1]).to.equal(batch, 'reader got the original');
    expect(seen[0]).to.not.equal(batch, 'mutator got a copy');
    expect(batch[0].request.model).to.equal('gpt-4o-mini');
  });

  it('gives the original to the last mutator when nobody reads it', async () => {
    const seen: CallRecord[][] = [];
    const m = () => consumerFromFn(async (b) => void seen.push(b), true);
    const batch = [sampleRecord()];
    await fanout([m(), m()]).consume(batch, newContext());
    expect(seen.filter((b) => b === batch)).to.have.length(1);
  });

  it('acknowledges only after every consumer accepted, and rejects if one refused', async () => {
    let slowDone = false;
    const slow = consumerFromFn(async () => {
      await new Promise((r) => setTimeout(r, 30));
      slowDone = true;
    });
    const failing = consumerFromFn(async () => {
      throw new Error('backend said no');
    });
    await fanout([slow, consumerFromFn(async () => {})]).consume([sampleRecord()], newContext());
    expect(slowDone).to.equal(true);
    slowDone = false;
    let err: unknown;
    await fanout([slow, failing])
      .consume([sampleRecord()], newContext())
      .catch((e: unknown) => (err = e));
    expect(String(err)).to.contain('backend said no');
    expect(slowDone, 'waited for the slow one before rejecting').to.equal(true);
  });

  it('a relay forwards to its current target', async () => {
    const hits: string[] = [];
    const r = new Relay(consumerFromFn(async () => void hits.push('a')));
    await r.consume([], newContext());
    r.setTarget(consumerFromFn(async () => void hits.push('b')));
    await r.consume([], newContext());
    expect(hits).to.deep.equal(['a', 'b']);
  });
});
