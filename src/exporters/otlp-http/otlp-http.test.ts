// SPDX-License-Identifier: Apache-2.0
// otlp_http against a real loopback OTLP/HTTP receiver (protobufjs-decoded): span names, phase
// events, attributes, logs, metrics, protocols, env resolution and the export guard.
import { expect } from 'chai';
import { nopHost } from '../../testing/nop-host.js';
import { attrs, OtlpTestReceiver } from '../../testing/otlp-receiver.js';
import {
  driftRecord,
  eventRecord,
  probeRecord,
  rateLimitedRecord,
  violationRecord,
} from '../../testing/signal-records.js';
import type { OtlpHttpConfig } from './config.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { resolveTransport } from './endpoint.js';
import { withEnv } from '../../testing/with-env.js';
import { otlpHttpExporterFactory } from './index.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SECRET = 'sk-live-0123456789abcdef';
const PROMPT = 'Reply with exactly: pong. (probe prompt)';

describe('otlp_http exporter', () => {
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

  async function started(cfg: OtlpHttpConfig, opts: { dataDir?: string; sensitive?: string[] } = {}) {
    const x = makeExporter(cfg, opts);
    await x.exporter.start(nopHost(x.metrics));
    stop.push(() => x.exporter.shutdown({ deadline: Date.now() + 5000 }));
    return x;
  }

  it('sends one GenAI-named span per call with phase events, verdict, error class and the record trace id', async () => {
    const { consume } = await started(fastConfig(rx.url));
    const v = violationRecord({ traceId: TRACE_ID, stream: true });
    await consume([probeRecord(), v, rateLimitedRecord()]);
    const spans = rx.spans();
    expect(spans).to.have.length(3);
    for (const s of spans) expect(s.name).to.equal('chat gpt-4o-mini');
    const vs = spans.find((s) => s.traceId === TRACE_ID);
    expect(vs, 'span with the record trace id').to.not.equal(undefined);
    expect(vs.kind).to.equal(3); // CLIENT
    expect(vs.status.code).to.equal(2); // ERROR
    expect(vs.events.map((e: { name: string }) => e.name)).to.deep.equal([
      'driftwatch.phase.dns',
      'driftwatch.phase.connect',
      'driftwatch.phase.tls',
      'driftwatch.phase.first_byte',
      'driftwatch.phase.first_token',
      'driftwatch.phase.done',
    ]);
    const a = attrs(vs.attributes);
    expect(a['gen_ai.operation.name']).to.equal('chat');
    expect(a['gen_ai.provider.name']).to.equal('cometapi');
    expect(a['gen_ai.response.model']).to.equal('gpt-4o-mini-2024-07-18');
    expect(a['driftwatch.verdict']).to.equal('violation');
    expect(a['driftwatch.error.class']).to.equal('schema');
    expect(a['driftwatch.request_id']).to.equal('req_123');
    expect(a['driftwatch.findings']).to.include('violation:missing:usage');
    const ok = spans.find((s) => attrs(s.attributes)['driftwatch.verdict'] === 'ok');
    expect(ok.status?.code ?? 0).to.not.equal(2);
    const rl = spans.find((s) => attrs(s.attributes)['driftwatch.error.class'] === 'rate_limit');
    expect(attrs(rl.attributes)['error.type']).to.equal('rate_limit');
    expect(attrs(rl.attributes)['http.response.status_code']).to.equal(429);
  });

  it('sends a log record per drift and violation and per watch event, with the sanitized diff only', async () => {
    const { consume } = await started(fastConfig(rx.url));
    const v = violationRecord({ traceId: TRACE_ID });
    v.response.body = { choices: [{ message: { content: 'SECRET-BODY-TEXT' } }] };
    v.response.contentText = 'SECRET-BODY-TEXT';
    await consume([
      probeRecord(),
      v,
      driftRecord(),
      eventRecord('probe.budget_exhausted', { probe: 'nonstream' }),
    ]);
    const logs = rx.logRecords();
    expect(logs).to.have.length(3);
    const names = logs.map((l) => l.eventName).sort();
    for (const l of logs)
      expect(attrs(l.attributes), 'deprecated event.name attribute').to.not.have.property('event.name');
    expect(names).to.deep.equal([
      'driftwatch.contract.drift',
      'driftwatch.contract.violation',
      'driftwatch.watch.probe.budget_exhausted',
    ]);
    const drift = logs.find((l) => l.eventName === 'driftwatch.contract.drift');
    expect(attrs(drift.attributes)['driftwatch.shape.added']).to.deep.equal([
      'choices[0].message.reasoning_content',
    ]);
    const viol = logs.find((l) => l.eventName === 'driftwatch.contract.violation');
    expect(viol.severityNumber).to.equal(17);
    expect(viol.traceId).to.equal(TRACE_ID);
    for (const r of rx.requests)
      expect(r.raw.includes('SECRET-BODY-TEXT'), 'body text leaked').to.equal(false);
  });

  it('exports aggregated metrics; absent fields produce no series', async () => {
    const { exporter, consume } = await started(
      fastConfig(rx.url, { traces: { enabled: false, access_log_sampling: 0 } }),
    );
    await consume([probeRecord(), probeRecord(), violationRecord(), rateLimitedRecord()]);
    expect(await exporter.exportMetrics()).to.equal(true);
    const req = rx.of('metrics')[0];
    const metrics = req.body.resourceMetrics[0].scopeMetrics.flatMap(
      (sm: { metrics: unknown[] }) => sm.metrics,
    ) as Array<{
      name: string;
      sum?: { dataPoints: Array<{ asDouble?: number; asInt?: string; attributes: unknown[] }> };
    }>;
    const byName = new Map(metrics.map((m) => [m.name, m]));
    const total = (n: string) =>
      (byName.get(n)?.sum?.dataPoints ?? []).reduce((s, dp) => s + Number(dp.asDouble ?? dp.asInt ?? 0), 0);
    expect(total('llm.request')).to.equal(4);
    expect(total('llm.response.schema_invalid')).to.equal(1);
    expect(total('llm.response.missing_usage')).to.equal(1);
    expect(total('llm.response.empty_content')).to.equal(1);
    expect(total('llm.usage.prompt_tokens')).to.equal(24); // the 429 and the violation carry no usage
    expect(total('llm.error')).to.equal(2);
    expect(byName.has('llm.latency')).to.equal(true);
    expect(byName.has('gen_ai.client.operation.duration')).to.equal(true);
    expect(byName.has('llm.client_timeout'), 'no timeouts happened: no series').to.equal(false);
    expect(
      byName.has('gen_ai.client.operation.time_to_first_chunk'),
      'no streaming call: no series',
    ).to.equal(false);
    const res = attrs(req.body.resourceMetrics[0].resource.attributes);
    expect(res['service.name']).to.equal('driftwatch');
    expect(res['service.instance.id']).to.be.a('string');
  });

  it('delta temporality sends only what changed since the last export', async () => {
    const d = fastConfig(rx.url, { traces: { enabled: false, access_log_sampling: 0 } });
    const { exporter, consume } = await started({ ...d, metrics: { ...d.metrics, temporality: 'delta' } });
    await consume([probeRecord(), probeRecord()]);
    await exporter.exportMetrics();
    await consume([probeRecord()]);
    await exporter.exportMetrics();
    const requestSums = rx.of('metrics').map((r) => {
      const m = r.body.resourceMetrics[0].scopeMetrics
        .flatMap((sm: { metrics: unknown[] }) => sm.metrics)
        .find((x: { name: string }) => x.name === 'llm.request');
      expect(m.sum.aggregationTemporality).to.equal(1); // DELTA
      return m.sum.dataPoints.reduce(
        (s: number, dp: { asDouble?: number; asInt?: string }) => s + Number(dp.asDouble ?? dp.asInt),
        0,
      );
    });
    expect(requestSums).to.deep.equal([2, 1]);
  });

  it('speaks http/json and honours compression: none', async () => {
    const { consume } = await started(fastConfig(rx.url, { protocol: 'http/json', compression: 'none' }));
    await consume([violationRecord({ traceId: TRACE_ID })]);
    expect(rx.requests.map((r) => r.contentType)).to.deep.equal(['application/json', 'application/json']);
    expect(rx.requests.every((r) => r.contentEncoding === '')).to.equal(true);
    expect(rx.spans()[0].traceId).to.equal(TRACE_ID);
  });

  it('gzips protobuf by default and sends configured headers', async () => {
    const { consume } = await started(fastConfig(rx.url, { headers: { 'x-tenant': 'team-a' } }));
    await consume([probeRecord()]);
    expect(rx.requests[0].contentType).to.equal('application/x-protobuf');
    expect(rx.requests[0].contentEncoding).to.equal('gzip');
    expect(rx.requests[0].headers['x-tenant']).to.equal('team-a');
  });

  it('drops, counts and never sends a payload holding a secret or probe prompt', async () => {
    const { consume, metrics } = await started(fastConfig(rx.url), { sensitive: [SECRET, PROMPT] });
    const leaky = violationRecord();
    leaky.findings.firstAction = `rotate ${SECRET}`; // a processor bug that would leak it
    await consume([leaky]);
    await consume([probeRecord()]);
    for (const r of rx.requests) {
      expect(r.raw.includes(SECRET)).to.equal(false);
      expect(r.raw.includes(PROMPT)).to.equal(false);
    }
    expect(rx.spans()).to.have.length(1);
    expect(metrics.sum('driftwatch_component_dropped_records_total', { reason: 'sensitive_value' })).to.equal(
      2,
    );
  });

  it('samples access-log spans (0 = none) but always traces probes', async () => {
    const { consume } = await started(
      fastConfig(rx.url, { traces: { enabled: true, access_log_sampling: 0 } }),
    );
    const al = probeRecord();
    al.source = 'access_log';
    await consume([al, al, probeRecord()]);
    expect(rx.spans()).to.have.length(1);
  });
});

describe('otlp_http endpoint resolution', () => {
  const d = otlpHttpExporterFactory.createDefaultConfig();
  it('config wins over the environment; defaults follow the spec', async () => {
    const t = await withEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:1',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://ignored:2/v1/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
      () => resolveTransport({ ...d, endpoint: 'https://otlp.example:4318', encoding: 'proto' }),
    );
    expect(t.signals.traces.url).to.equal('https://otlp.example:4318/v1/traces');
    expect(t.signals.traces.protocol).to.equal('http/protobuf');
    const none = await withEnv({}, () => resolveTransport(d));
    expect(none.signals.metrics.url).to.equal('http://localhost:4318/v1/metrics');
    expect(none.signals.metrics.gzip).to.equal(true);
    expect(none.signals.metrics.protocol).to.equal('http/protobuf');
    expect(none.signals.metrics.timeoutMs).to.equal(10_000);
  });
});
