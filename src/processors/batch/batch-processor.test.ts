// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { consumerFromFn, newContext } from '../../component/consumer.js';
import type { CallRecord } from '../../model/call-record.js';
import { sampleRecord } from '../../testing/compliance.js';
import { testSettings } from '../../testing/nop-host.js';
import { BatchProcessor } from './batch-processor.js';

describe('batch processor', () => {
  it('merges by size and acknowledges each caller once the merged batch is acknowledged', async () => {
    const out: CallRecord[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const next = consumerFromFn(async (b) => {
      out.push(b);
      await gate;
    });
    const p = new BatchProcessor(
      testSettings('processor', 'batch'),
      { send_batch_size: 3, send_batch_max_size: 0, timeout: 3_600_000 },
      next,
    );
    let acked = 0;
    const calls = [1, 2].map(() =>
      p.consume([sampleRecord(), sampleRecord()], newContext()).then(() => acked++),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(out).to.have.length(1);
    expect(out[0]).to.have.length(4);
    expect(acked, 'not acknowledged before downstream accepted').to.equal(0);
    release();
    await Promise.all(calls);
    expect(acked).to.equal(2);
  });

  it('flushes on timeout, splits by max size, propagates refusals, and drains on shutdown', async () => {
    const out: CallRecord[][] = [];
    const next = consumerFromFn(async (b) => {
      out.push(b);
      if (b.some((r) => r.request.model === 'bad')) throw new Error('refused');
    });
    const p = new BatchProcessor(
      testSettings('processor', 'batch'),
      { send_batch_size: 100, send_batch_max_size: 100, timeout: 20 },
      next,
    );
    await p.consume([sampleRecord()], newContext());
    expect(out).to.have.length(1);
    const bad = sampleRecord();
    bad.request.model = 'bad';
    let err: unknown;
    await p.consume([bad], newContext()).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain('refused');
    const pending = p.consume([sampleRecord()], newContext());
    await p.shutdown({ deadline: Date.now() + 1000 });
    await pending;
    expect(out).to.have.length(3);
    let closed: unknown;
    await p.consume([sampleRecord()], newContext()).catch((e: unknown) => (closed = e));
    expect(String(closed)).to.contain('shutting down');
  });

  it('passes a batch on at once when its caller waits for the acknowledgement (ctx.flush)', async () => {
    const out: CallRecord[][] = [];
    const next = consumerFromFn(async (b) => void out.push(b));
    const p = new BatchProcessor(
      testSettings('processor', 'batch'),
      { send_batch_size: 8192, send_batch_max_size: 0, timeout: 3_600_000 },
      next,
    );
    const first = p.consume([sampleRecord()], newContext()); // held for more
    await new Promise((r) => setTimeout(r, 20));
    expect(out, 'held until full or timeout').to.have.length(0);
    await p.consume([sampleRecord(), sampleRecord()], { ...newContext(), flush: true });
    await first;
    expect(
      out.map((b) => b.length),
      'both callers, one merged batch, no timeout',
    ).to.deep.equal([3]);
    await p.shutdown({ deadline: Date.now() + 1000 });
  });
});
