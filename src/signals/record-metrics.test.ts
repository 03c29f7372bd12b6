// SPDX-License-Identifier: Apache-2.0
// Pure-logic checks of the record → metric mapping and the histogram store: bucket edges,
// series cap, delta reset, and "absent means absent".
import { expect } from 'chai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { DataPoint, Histogram, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AttrSet } from './attr-set.js';
import { HistogramStore, MAX_SERIES_PER_METRIC } from './histogram-store.js';
import { CONTRACT } from './names.js';
import { SignalBuilder } from './signal-builder.js';
import { newCallRecord } from '../model/call-record.js';
import { probeRecord } from '../testing/signal-records.js';

function builder(temporality: 'cumulative' | 'delta' = 'cumulative') {
  return new SignalBuilder({
    resource: resourceFromAttributes({}),
    families: new Set(['contract', 'genai']),
    temporality,
    accessLogSampling: 0,
    traces: false,
    logs: false,
    metrics: true,
  });
}
const names = (rm: ResourceMetrics) =>
  rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)).sort();

describe('histogram store', () => {
  it('puts a value equal to a boundary in that bucket and keeps sum, count, min, max', async () => {
    const h = new HistogramStore('cumulative');
    h.register(CONTRACT.latency);
    const set = AttrSet.of({ provider: 'p' });
    for (const v of [5, 5.0001, 0, 120000, 999999]) h.record(CONTRACT.latency.name, v, set);
    h.record(CONTRACT.latency.name, -1, set); // ignored
    h.record(CONTRACT.latency.name, NaN, set); // ignored
    const { resourceMetrics } = await h.collect();
    const dp = resourceMetrics.scopeMetrics[0].metrics[0].dataPoints[0] as DataPoint<Histogram>;
    expect(dp.value.buckets.counts[0], '≤5').to.equal(2);
    expect(dp.value.buckets.counts[1], '(5,10]').to.equal(1);
    expect(dp.value.buckets.counts.at(-2), '(60000,120000]').to.equal(1);
    expect(dp.value.buckets.counts.at(-1), '+Inf').to.equal(1);
    expect(dp.value.count).to.equal(5);
    expect(dp.value.min).to.equal(0);
    expect(dp.value.max).to.equal(999999);
  });

  it('caps series per metric into one overflow series', async () => {
    const h = new HistogramStore('cumulative');
    h.register(CONTRACT.latency);
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 10; i++)
      h.record(CONTRACT.latency.name, 1, AttrSet.of({ model: `m${i}` }));
    const dps = (await h.collect()).resourceMetrics.scopeMetrics[0].metrics[0].dataPoints;
    expect(dps).to.have.length(MAX_SERIES_PER_METRIC + 1);
    const overflow = dps.find((d) => d.attributes['otel.metric.overflow'] === true) as DataPoint<Histogram>;
    expect(overflow.value.count).to.equal(10);
  });

  it('delta temporality starts over after each collect', async () => {
    const h = new HistogramStore('delta');
    h.register(CONTRACT.latency);
    h.record(CONTRACT.latency.name, 1, AttrSet.of({}));
    expect((await h.collect()).resourceMetrics.scopeMetrics).to.have.length(1);
    expect((await h.collect()).resourceMetrics.scopeMetrics).to.have.length(0);
  });
});

describe('record → metrics', () => {
  it('a bare record (no status, timings, usage, findings) records only the request counters', async () => {
    const b = builder();
    const r = newCallRecord(
      'access_log',
      'access_log/x',
      { provider: 'p', endpoint: '/v1/chat/completions' },
      { method: 'POST', route: '/v1/chat/completions', synthetic: false },
    );
    b.build([r]);
    expect(names(await b.collectMetrics())).to.deep.equal(['llm.gateway.requests', 'llm.request']);
  });

  it('a full probe record fills the timing, usage, TLS and GenAI metrics, and counters add up per batch', async () => {
    const b = builder();
    b.build([probeRecord(), probeRecord()]);
    b.build([probeRecord()]);
    const rm = await b.collectMetrics();
    const all = names(rm);
    for (const n of [
      'llm.latency',
      'llm.phase.duration',
      'llm.usage.total_tokens',
      'llm.tls.certificate.expiry',
      'llm.probe.success',
      'gen_ai.client.token.usage',
    ])
      expect(all).to.include(n);
    const req = rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'llm.request')!;
    expect(req.dataPoints.reduce((s, d) => s + (d.value as number), 0)).to.equal(3);
  });
});
