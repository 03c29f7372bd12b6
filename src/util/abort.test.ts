// SPDX-License-Identifier: Apache-2.0
// The per-operation signals must leave nothing on the long-lived parent: these are the checks that
// would have caught the soak's creep (a composite per OTLP request held by the exporter's signal).
import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { resolveTransport } from '../exporters/otlp-http/endpoint.js';
import { HttpSender } from '../exporters/otlp-http/http-sender.js';
import { OtlpTestReceiver } from '../testing/otlp-receiver.js';
import { fastConfig } from '../testing/otlp-harness.js';
import { DeadlineSignal, sleepUnlessAborted } from './abort.js';

/** Whatever the parent still holds for derived signals: abort listeners and AbortSignal.any() dependants. */
function retainedBy(parent: AbortSignal): number {
  const dependants = Object.getOwnPropertySymbols(parent)
    .filter((s) => s.description === 'kDependantSignals')
    .map((s) => (parent as unknown as Record<symbol, Set<unknown> | undefined>)[s]?.size ?? 0);
  return getEventListeners(parent, 'abort').length + dependants.reduce((a, b) => a + b, 0);
}

describe('DeadlineSignal', () => {
  it('aborts when the parent aborts, with the parent reason, and not as a timeout', () => {
    const parent = new AbortController();
    const d = new DeadlineSignal(60_000, parent.signal);
    const why = new Error('shutting down');
    parent.abort(why);
    expect(d.signal.aborted).to.equal(true);
    expect(d.signal.reason).to.equal(why);
    expect(d.timedOut).to.equal(false);
    d.dispose();
  });

  it('aborts at the deadline as a TimeoutError', async () => {
    const d = new DeadlineSignal(10);
    await new Promise((r) => d.signal.addEventListener('abort', r, { once: true }));
    expect(d.timedOut).to.equal(true);
    expect((d.signal.reason as DOMException).name).to.equal('TimeoutError');
  });

  it('starts aborted under an aborted parent', () => {
    const parent = new AbortController();
    parent.abort();
    const d = new DeadlineSignal(60_000, parent.signal);
    expect(d.signal.aborted).to.equal(true);
    d.dispose();
  });

  it('leaves nothing on the parent once disposed, over a thousand operations', () => {
    const parent = new AbortController();
    for (let i = 0; i < 1000; i++) new DeadlineSignal(60_000, parent.signal).dispose();
    expect(retainedBy(parent.signal)).to.equal(0);
  });
});

describe('sleepUnlessAborted', () => {
  it('resolves true after the delay and removes its listener', async () => {
    const parent = new AbortController();
    for (let i = 0; i < 20; i++) expect(await sleepUnlessAborted(1, parent.signal)).to.equal(true);
    expect(retainedBy(parent.signal)).to.equal(0);
  });

  it('resolves false at once when aborted', async () => {
    const parent = new AbortController();
    const p = sleepUnlessAborted(60_000, parent.signal);
    parent.abort();
    expect(await p).to.equal(false);
    expect(await sleepUnlessAborted(60_000, parent.signal)).to.equal(false);
  });
});

describe('HttpSender and the exporter shutdown signal', () => {
  let rx: OtlpTestReceiver;
  before(async () => {
    rx = new OtlpTestReceiver();
    await rx.start();
  });
  after(() => rx.stop());

  it('200 exports against a real endpoint leave nothing on the shutdown signal', async () => {
    const sender = new HttpSender(await resolveTransport(fastConfig(rx.url)));
    const shutdown = new AbortController();
    try {
      for (let i = 0; i < 200; i++) {
        const o = await sender.post('traces', new Uint8Array(0), undefined, shutdown.signal);
        expect(o.ok, JSON.stringify(o)).to.equal(true);
      }
      expect(retainedBy(shutdown.signal)).to.equal(0);
    } finally {
      await sender.close();
    }
  });
});
