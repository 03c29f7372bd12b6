// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { consumerFromFn } from '../../component/consumer.js';
import type { ConsumeContext } from '../../component/consumer.js';
import { sampleRecord } from '../../testing/compliance.js';
import { DeliveryLedger } from './ledger.js';
import type { Cursor } from './tailer.js';

describe('delivery ledger', () => {
  it('keeps several batches in flight and commits offsets only up to the oldest unacknowledged one', async () => {
    const acks: Array<() => void> = [];
    const contexts: ConsumeContext[] = [];
    const next = consumerFromFn((_batch, ctx) => {
      contexts.push(ctx);
      return new Promise<void>((r) => acks.push(r));
    });
    let commits = 0;
    const ledger = new DeliveryLedger(2, 3, next, new AbortController().signal, {
      committed: () => commits++,
      refused: () => undefined,
    });
    const c: Cursor = { path: 'a', fpLen: 1, fpHash: 'x', read: 0, committed: 0 };
    for (let i = 1; i <= 4; i++) {
      ledger.add(sampleRecord());
      ledger.add(sampleRecord());
      ledger.mark(c, i * 10);
      expect(ledger.full()).to.equal(true);
      expect(ledger.send(false), `batch ${i}`).to.equal(i <= 3); // 3 slots
    }
    expect(
      contexts.map((x) => x.flush),
      'the batch taking the last slot asks for a flush',
    ).to.deep.equal([false, false, true]);
    const tick = () => new Promise((r) => setImmediate(r));
    acks[2]();
    acks[1]();
    await tick();
    expect(c.committed, 'batch 1 not acknowledged: nothing moves').to.equal(0);
    expect(commits).to.equal(0);
    acks[0]();
    await tick();
    expect(c.committed, 'all three acknowledged: up to the third').to.equal(30);
    expect(ledger.send(false), 'a slot is free for the waiting batch').to.equal(true);
    let idle = false;
    void ledger.idle().then(() => (idle = true));
    await tick();
    expect(idle, 'not idle while the fourth batch travels').to.equal(false);
    acks[3]();
    await tick();
    expect(idle).to.equal(true);
    expect(c.committed).to.equal(40);
  });
});
