// SPDX-License-Identifier: Apache-2.0
/* global process, console */
// Export benchmark: how much CPU the signals cost. For a low- and a high-cardinality record mix:
// recording throughput (records/s into the SDK instruments), then per metrics export the series
// (data points) sent, CPU time to collect + serialize (protobuf) + gzip, and the payload size;
// and span/log building + serialization per 1000 records. Imports the built agent (../dist).
import { gzipSync } from 'node:zlib';
import { ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { SignalBuilder } from '../dist/signals/signal-builder.js';
import { buildResource } from '../dist/signals/resource.js';

function record(i, models, probes) {
  const violation = i % 10 === 9;
  const stream = i % 2 === 1;
  return {
    source: 'probe',
    receiver: 'probe/bench',
    startTimeMs: Date.now(),
    target: { provider: 'cometapi', endpoint: '/v1/chat/completions', serverAddress: 'api.cometapi.com', serverPort: 443 },
    request: { method: 'POST', route: '/v1/chat/completions', model: `model-${i % models}`, stream, synthetic: true, probe: `probe-${i % probes}`, promptSize: i % 3 ? 'small' : 'large', timeoutBudgetMs: 30000 },
    response: {
      status: violation ? 200 : 200,
      headers: { 'x-request-id': `req_${i}`, 'x-ratelimit-remaining-requests': '10' },
      model: `model-${i % models}-2024`,
      finishReasons: ['stop'],
      usage: violation ? undefined : { promptTokens: 12 + (i % 7), completionTokens: 3 + (i % 5), totalTokens: 15 + (i % 12) },
    },
    timings: { dnsMs: 1, connectMs: 2, tlsMs: 4, ttfbMs: 50 + (i % 400), firstTokenMs: stream ? 60 + (i % 300) : undefined, totalMs: 100 + (i % 900), chunkGapsMs: stream ? [5, 7, 9] : undefined, firstEventMs: stream ? 55 : undefined },
    tls: { certDaysLeft: 40 },
    findings: {
      verdict: violation ? 'violation' : 'ok',
      items: violation ? [{ path: 'usage', kind: 'missing', level: 'violation' }] : [],
      requestSchemaValid: true,
      responseSchemaValid: !violation,
      errorClass: violation ? 'schema' : undefined,
    },
  };
}

function cpuMs(f) {
  const c0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, out };
}

function builder() {
  return new SignalBuilder({
    resource: buildResource(),
    families: new Set(['contract', 'genai']),
    temporality: 'cumulative',
    accessLogSampling: 0,
    traces: false,
    logs: false,
    metrics: true,
  });
}

async function scenario(name, models, probes, records) {
  const b = builder();
  // a fresh batch array per round, as the pipeline hands each exporter a new batch
  const template = Array.from({ length: 1000 }, (_, i) => record(i, models, probes));
  b.build(template.slice()); // warm up
  const rounds = Math.ceil(records / template.length);
  const rec = cpuMs(() => {
    for (let r = 0; r < rounds; r++) b.build(template.slice());
  });
  const perSec = (rounds * template.length) / (rec.ms / 1000);
  // otlp_http + prometheus in one pipeline: both exporters are handed the same batch
  const two = [builder(), builder()];
  for (const x of two) x.build(template);
  const rec2 = cpuMs(() => {
    for (let r = 0; r < rounds; r++) {
      const batch = template.slice();
      for (const x of two) x.build(batch);
    }
  });
  const perSec2 = (rounds * template.length) / (rec2.ms / 1000);
  const exports = [];
  for (let k = 0; k < 5; k++) {
    const c0 = process.cpuUsage();
    const rm = await b.collectMetrics();
    const payload = ProtobufMetricsSerializer.serializeRequest(rm);
    const gz = gzipSync(payload);
    const c = process.cpuUsage(c0);
    let points = 0;
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) points += m.dataPoints.length;
    exports.push({ ms: (c.user + c.system) / 1000, points, bytes: payload.length, gz: gz.length });
  }
  const med = exports.map((e) => e.ms).sort((a, z) => a - z)[2];
  const e = exports[0];
  console.log(
    `${name.padEnd(18)} models=${models} probes=${probes}: record ${Math.round(perSec).toLocaleString('en')} records/s (CPU, one exporter), ` +
      `${Math.round(perSec2).toLocaleString('en')} records/s (two exporters sharing the batch) | ` +
      `per export: ${e.points} series, ${med.toFixed(1)} ms CPU (collect+protobuf+gzip, median of 5), ${(e.bytes / 1024).toFixed(0)} KiB → ${(e.gz / 1024).toFixed(0)} KiB gzip`,
  );
  for (const x of [b, ...two]) await x.shutdown();
}

async function spans() {
  const b = new SignalBuilder({
    resource: buildResource(),
    families: new Set(),
    temporality: 'cumulative',
    accessLogSampling: 1,
    traces: true,
    logs: true,
    metrics: false,
  });
  const batch = Array.from({ length: 1000 }, (_, i) => record(i, 5, 5));
  b.build(batch);
  const runs = [];
  for (let k = 0; k < 5; k++) {
    const r = cpuMs(() => {
      const { spans: s } = b.build(batch);
      return gzipSync(ProtobufTraceSerializer.serializeRequest(s)).length;
    });
    runs.push(r);
  }
  runs.sort((a, z) => a.ms - z.ms);
  console.log(
    `spans+logs         1000 records: ${runs[2].ms.toFixed(1)} ms CPU per 1000 spans (build+protobuf+gzip, median of 5), ${(runs[2].out / 1024).toFixed(0)} KiB gzip`,
  );
  await b.shutdown();
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
await scenario('low cardinality', 1, 2, 100_000);
await scenario('high cardinality', 20, 10, 100_000);
await spans();
