// SPDX-License-Identifier: Apache-2.0
// Pure-logic checks of the record → metric mapping and the histogram store: bucket edges,
// series cap, delta reset, and "absent means absent".
import { expect } from 'chai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { DataPoint, Histogram, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AttrSet } from './attr-set.js';
import { HistogramStore, MAX_SERIES_PER_METRIC } from './histogram-store.js';
import { LabelBounds, OTHER } from './label-bounds.js';
import { BatchMetrics, metricView } from './metric-view.js';
import { CONTRACT, TARGET_DECLARED_EVENT } from './names.js';
import { recordMetrics } from './record-metrics.js';
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
    for (const v of [0.005, 0.0050001, 0, 120, 999.999]) h.record(CONTRACT.latency.name, v, set);
    h.record(CONTRACT.latency.name, -1, set); // ignored
    h.record(CONTRACT.latency.name, NaN, set); // ignored
    const { resourceMetrics } = await h.collect();
    const dp = resourceMetrics.scopeMetrics[0].metrics[0].dataPoints[0] as DataPoint<Histogram>;
    expect(dp.value.buckets.counts[0], '≤0.005').to.equal(2);
    expect(dp.value.buckets.counts[1], '(0.005,0.01]').to.equal(1);
    expect(dp.value.buckets.counts.at(-2), '(60,120]').to.equal(1);
    expect(dp.value.buckets.counts.at(-1), '+Inf').to.equal(1);
    expect(dp.value.count).to.equal(5);
    expect(dp.value.min).to.equal(0);
    expect(dp.value.max).to.equal(999.999);
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

  it('counts fallback activations apart from their success, and deliberate probes as expectations', async () => {
    const b = builder();
    const retried = (ok: boolean) => {
      const r = probeRecord();
      r.retry = { attempts: 2, addedMs: 100, succeededAfterFailure: ok };
      return r;
    };
    const deliberate = (held: boolean) => {
      const r = probeRecord({ probe: 'invalid' });
      r.request.probeKind = 'invalid_request';
      r.response.status = 500;
      r.retry = { attempts: 2, addedMs: 100, succeededAfterFailure: false };
      r.findings = {
        items: [],
        errorClass: 'bad_request',
        expectation: { kind: 'invalid_request', held },
      };
      return r;
    };
    b.build([probeRecord(), retried(true), retried(false), deliberate(true), deliberate(false)]);
    const rm = await b.collectMetrics();
    const points = (name: string) =>
      rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    const sum = (name: string) => points(name).reduce((s, d) => s + (d.value as number), 0);
    expect(sum('llm.fallback.activation')).to.equal(2, 'the deliberate probe’s retry is no fallback');
    expect(sum('llm.retry.success_after_failure')).to.equal(1);
    const x = points('llm.probe.expectation').map((d) => [d.attributes.kind, d.attributes.held, d.value]);
    expect(x).to.have.deep.members([
      ['invalid_request', 'true', 1],
      ['invalid_request', 'false', 1],
    ]);
  });

  it('counts a client-retried call once when the proxy records each attempt', async () => {
    const b = builder();
    // one call: attempt 1 (429, no retry info), attempt 2 (503), attempt 3 (200)
    const attempt = (attempts: number, ok: boolean) => {
      const r = probeRecord();
      r.source = 'proxy';
      r.retry = { attempts, succeededAfterFailure: ok, perAttempt: true };
      return r;
    };
    b.build([probeRecord(), attempt(2, false), attempt(3, true)]);
    const rm = await b.collectMetrics();
    const sum = (name: string) =>
      (
        rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)?.dataPoints ?? []
      ).reduce((s, d) => s + (d.value as number), 0);
    expect(sum('llm.fallback.activation')).to.equal(1, 'the second attempt, not the third');
    expect(sum('llm.retry.success_after_failure')).to.equal(1);
  });
});

describe('metric view (computed once per batch, shared by exporters)', () => {
  it('interns attribute sets: the same values reach the same node, no key built per record', () => {
    const a = AttrSet.ROOT.with('provider', 'p').with('endpoint', '/e').with('model', undefined);
    const b = AttrSet.ROOT.with('provider', 'p').with('endpoint', '/e');
    expect(a).to.equal(b);
    expect(a.attrs).to.deep.equal({ provider: 'p', endpoint: '/e' });
    expect(a.with('port', 443)).to.not.equal(a.with('port', '443'));
  });

  it('is the same object for every exporter handed the same batch, and new for a changed batch', () => {
    const batch = [probeRecord(), probeRecord({ stream: true })];
    const v = metricView(batch);
    expect(metricView(batch)).to.equal(v);
    batch.push(probeRecord());
    expect(metricView(batch)).to.not.equal(v);
  });

  it('two exporters merging one view hold what one exporter recording each record held', async () => {
    const batch = [probeRecord(), probeRecord({ stream: true }), probeRecord({ verdict: 'violation' })];
    const a = builder();
    const b = builder('delta');
    a.build(batch);
    b.build(batch);
    const sum = (rm: ResourceMetrics, name: string) =>
      rm.scopeMetrics
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) => m.dataPoints as Array<DataPoint<number | Histogram>>)
        .reduce((s, d) => s + (typeof d.value === 'number' ? d.value : d.value.count), 0);
    const ra = await a.collectMetrics();
    const rb = await b.collectMetrics();
    for (const [name, want] of [
      ['llm.request', 3],
      ['llm.latency', 3],
      ['gen_ai.client.operation.time_per_output_chunk', 3],
      ['llm.contract.verdict', 3],
    ] as const) {
      expect(sum(ra, name), name).to.equal(want);
      expect(sum(rb, name), name).to.equal(want);
    }
  });

  it('a declared target has its alerting counters at 0 and writes no watch event', async () => {
    const b = builder();
    const d = probeRecord({ probe: 'chat' });
    d.event = { name: TARGET_DECLARED_EVENT, attributes: { probe: 'chat' } };
    b.build([d]);
    const rm = await b.collectMetrics();
    const points = (name: string) =>
      rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    for (const name of ['llm.request', 'llm.response.schema_invalid', 'llm.response.missing_choices']) {
      expect(
        points(name).map((p) => [p.value, p.attributes.probe, p.attributes.model]),
        name,
      ).to.deep.equal([[0, 'chat', 'gpt-4o-mini']]);
    }
    expect(points('llm.contract.verdict').map((p) => p.attributes.verdict)).to.have.members([
      'ok',
      'drift',
      'violation',
    ]);
    expect(points('llm.watch.events')).to.deep.equal([]);
    expect(points('llm.latency')).to.deep.equal([]);
  });
});

describe('bounded labels', () => {
  it('keeps named values and the first N per target, folds the rest into other and counts them', async () => {
    const bounds = new LabelBounds(3);
    const t = AttrSet.ROOT.with('provider', 'x').with('endpoint', '/e');
    const u = AttrSet.ROOT.with('provider', 'y').with('endpoint', '/e');
    expect(['a', 'b', 'c', 'a', 'd'].map((v) => bounds.bound(t, 'm', v, false))).to.deep.equal([
      'a',
      'b',
      'c',
      'a',
      OTHER,
    ]);
    expect(bounds.bound(t, 'm', 'named', true)).to.equal('named');
    expect(bounds.bound(u, 'm', 'd', false), 'per target').to.equal('d');

    const view = new BatchMetrics();
    const few = new LabelBounds(2);
    for (let i = 0; i < 5; i++) {
      const r = probeRecord();
      r.response.model = `random-${i}`;
      recordMetrics(view, r, few);
    }
    const models = new Set<unknown>();
    let overflow = 0;
    for (const [def, , v] of view.eachValue()) {
      if (def === CONTRACT.attributeOverflow) overflow += v;
    }
    for (const [, set] of view.eachHistogram())
      if (set.attrs['gen_ai.response.model'] !== undefined) models.add(set.attrs['gen_ai.response.model']);
    expect([...models].sort()).to.deep.equal(['other', 'random-0', 'random-1']);
    expect(overflow).to.equal(3);
  });
});
