// SPDX-License-Identifier: Apache-2.0
// Fault injection on a real loopback OTLP endpoint: each answer handled as the OTLP spec says.
import { expect } from 'chai';
import { nopHost } from '../../testing/nop-host.js';
import { OtlpTestReceiver } from '../../testing/otlp-receiver.js';
import { probeRecord } from '../../testing/signal-records.js';
import type { OtlpHttpConfig } from './config.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { parseRetryAfter } from './http-sender.js';
import { sendWithRetry } from './retry.js';
import type { Outcome } from './http-sender.js';

describe('otlp_http fault injection', () => {
  let rx: OtlpTestReceiver;
  const stop: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    rx = new OtlpTestReceiver();
    await rx.start();
  });
  afterEach(async () => {
    for (const s of stop.splice(0)) await s();
    await rx.stop();
  });

  async function started(cfg: OtlpHttpConfig) {
    const x = makeExporter(cfg);
    await x.exporter.start(nopHost(x.metrics));
    stop.push(() => x.exporter.shutdown({ deadline: Date.now() + 5000 }));
    return x;
  }
  const sent = (m: ReturnType<typeof makeExporter>['metrics']) =>
    m.sum('driftwatch_exporter_sent_items_total', { signal: 'traces' });
  const failed = (m: ReturnType<typeof makeExporter>['metrics']) =>
    m.sum('driftwatch_exporter_send_failed_items_total', { signal: 'traces' });

  it('429 with Retry-After: waits at least that long, then delivers', async () => {
    const { consume, metrics } = await started(fastConfig(rx.url));
    rx.faults.push({ kind: 'status', status: 429, retryAfter: '1' });
    const t0 = Date.now();
    await consume([probeRecord()]);
    expect(Date.now() - t0, 'Retry-After is a floor over the 20ms backoff').to.be.at.least(950);
    expect(rx.attempts).to.equal(2);
    expect(rx.spans()).to.have.length(1);
    expect(sent(metrics)).to.equal(1);
  });

  it('429 with an HTTP-date Retry-After is parsed too', () => {
    const now = Date.parse('Thu, 26 Nov 2026 16:00:00 GMT');
    expect(parseRetryAfter('Thu, 26 Nov 2026 16:00:03 GMT', now)).to.equal(3000);
    expect(parseRetryAfter('7', now)).to.equal(7000);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
  });

  for (const status of [502, 503, 504]) {
    it(`${status}: retried with backoff, then delivered`, async () => {
      const { consume, metrics } = await started(fastConfig(rx.url));
      rx.faults.push({ kind: 'status', status }, { kind: 'status', status });
      await consume([probeRecord()]);
      expect(rx.attempts).to.equal(3);
      expect(sent(metrics)).to.equal(1);
    });
  }

  for (const status of [400, 401, 413, 500]) {
    it(`${status}: permanent, not retried, counted and refused upstream`, async () => {
      const { consume, metrics } = await started(fastConfig(rx.url));
      rx.faults.push({ kind: 'status', status });
      let err: unknown;
      await consume([probeRecord()]).catch((e: unknown) => (err = e));
      expect(String(err)).to.contain(`http_${status}`);
      expect(rx.attempts).to.equal(1);
      expect(failed(metrics)).to.equal(1);
      expect(metrics.sum('driftwatch_exporter_send_failed_records_total')).to.equal(1);
      // refused to its sender, which still holds the batch: not dropped here
      expect(metrics.sum('driftwatch_component_dropped_records_total')).to.equal(0);
    });
  }

  it('connection reset: retried, then delivered', async () => {
    const { consume, metrics } = await started(fastConfig(rx.url));
    rx.faults.push({ kind: 'reset' });
    await consume([probeRecord()]);
    expect(rx.attempts).to.equal(2);
    expect(sent(metrics)).to.equal(1);
  });

  it('a hanging endpoint: the per-request timeout fires and the retry delivers', async () => {
    // 1 s, not less: on a loaded CI machine a healthy answer can take a few hundred ms.
    const { consume, metrics } = await started(fastConfig(rx.url, { timeout: 1000 }));
    rx.faults.push({ kind: 'hang' });
    await consume([probeRecord()]);
    expect(rx.attempts).to.be.at.least(2);
    expect(sent(metrics)).to.equal(1);
  });

  it('connection refused past the retry budget: gives up, counts, refuses upstream', async () => {
    const url = rx.url;
    await rx.stop();
    const d = fastConfig(url);
    const { consume, metrics } = await started({
      ...d,
      retry_on_failure: { ...d.retry_on_failure, max_elapsed_time: 300 },
    });
    let err: unknown;
    await consume([probeRecord()]).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain('export failed');
    expect(metrics.sum('driftwatch_exporter_send_failed_records_total')).to.equal(1);
    expect(metrics.sum('driftwatch_component_dropped_records_total'), 'refused, not dropped').to.equal(0);
    await rx.start();
  });

  it('partial success: logged and counted, not retried', async () => {
    const { consume, metrics } = await started(fastConfig(rx.url));
    rx.faults.push({ kind: 'partial', rejected: 2, message: 'two spans too old' });
    await consume([probeRecord(), probeRecord(), probeRecord()]);
    expect(rx.attempts).to.equal(1);
    expect(sent(metrics)).to.equal(1);
    expect(metrics.sum('driftwatch_component_dropped_records_total', { reason: 'partial_success' })).to.equal(
      2,
    );
  });

  it('a full sending queue refuses the newest batch to its sender and counts it, without a drop', async () => {
    const d = fastConfig(rx.url, { timeout: 1000 });
    const { consume, metrics } = await started({
      ...d,
      sending_queue: { ...d.sending_queue, queue_size: 1, num_consumers: 1 },
    });
    rx.faults.push({ kind: 'hang' });
    const first = consume([probeRecord()]); // in flight (hangs, then retried)
    const second = consume([probeRecord()]); // waits in the queue
    let err: unknown;
    await consume([probeRecord()]).catch((e: unknown) => (err = e)); // queue full
    expect(String(err)).to.contain('sending queue is full');
    expect(err).to.include({ code: 'DW_ERR_QUEUE_FULL', retry: 'throttled' });
    expect(metrics.sum('driftwatch_exporter_enqueue_failed_records_total')).to.equal(1);
    expect(metrics.sum('driftwatch_component_dropped_records_total'), 'the sender still holds it').to.equal(
      0,
    );
    await Promise.all([first, second]);
    expect(rx.spans()).to.have.length(2);
  });
});

describe('retry policy', () => {
  const fail: Outcome = { ok: false, code: 'DW_ERR_EXPORT_RETRYABLE', reason: 'http_503', status: 503 };
  it('grows ×multiplier up to max_interval, randomized ±factor, within the budget', async () => {
    const delays: number[] = [];
    const o = await sendWithRetry(
      async () => fail,
      { enabled: true, initialMs: 10, maxMs: 30, multiplier: 1.5, jitter: 0, budgetMs: 150 },
      { onRetry: (d) => delays.push(d) },
    );
    expect(delays.slice(0, 5)).to.deep.equal([10, 15, 22.5, 30, 30].slice(0, delays.length));
    expect(delays.length).to.be.within(3, 8);
    expect(o.exhausted).to.equal(true);
    const low: number[] = [];
    const high: number[] = [];
    const p = { enabled: true, initialMs: 10, maxMs: 30, multiplier: 1.5, jitter: 0.5, budgetMs: 40 };
    await sendWithRetry(async () => fail, p, { onRetry: (d) => low.push(d), random: () => 0 });
    await sendWithRetry(async () => fail, p, { onRetry: (d) => high.push(d), random: () => 1 });
    expect(low[0]).to.equal(5);
    expect(high[0]).to.equal(15);
  });
  it('stops at once on a permanent error and when retries are disabled', async () => {
    let n = 0;
    const perm = await sendWithRetry(
      async () => (n++, { ok: false, code: 'DW_ERR_EXPORT_PERMANENT', reason: 'http_400', status: 400 }),
      { enabled: true, initialMs: 1, maxMs: 1, multiplier: 1, jitter: 0, budgetMs: 1000 },
    );
    expect(perm.attempts).to.equal(1);
    const off = await sendWithRetry(async () => fail, {
      enabled: false,
      initialMs: 1,
      maxMs: 1,
      multiplier: 1,
      jitter: 0,
      budgetMs: 1000,
    });
    expect(off.attempts).to.equal(1);
    expect(n).to.equal(1);
  });
});
