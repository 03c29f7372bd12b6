// SPDX-License-Identifier: Apache-2.0
/* global process, console, Buffer */
// What judging one proxied call costs, stage by stage, in one process with no sockets: describing
// the call as the proxy does (the response observed chunk by chunk, the request fingerprinted,
// the CallRecord built), then validate, classify, redact and the prometheus exporter's metrics,
// in batches as the proxy's outbox hands them on. Prints µs per call for each stage, for the
// bench upstream's answer (JSON) and stream, median of PROXY_JUDGE_ROUNDS rounds (5).
// bench/proxy.mjs measures the whole agent on a noisy machine; this is the steady figure of the
// judging half, for changes to it. PROXY_JUDGE_BATCH: records per batch (40: what the outbox,
// flushing every 20 ms, hands on at 2,000 calls/s).
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consumerFromFn } from '../dist/component/consumer.js';
import { PrometheusExporter } from '../dist/exporters/prometheus/prometheus-exporter.js';
import { prometheusExporterFactory } from '../dist/exporters/prometheus/index.js';
import { newCallRecord } from '../dist/model/call-record.js';
import { ClassifyProcessor } from '../dist/processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../dist/processors/classify/index.js';
import { RedactProcessor } from '../dist/processors/redact/redact-processor.js';
import { redactProcessorFactory } from '../dist/processors/redact/index.js';
import { ValidateProcessor } from '../dist/processors/validate/validate-processor.js';
import { validateProcessorFactory } from '../dist/processors/validate/index.js';
import { proxyReceiverFactory } from '../dist/receivers/proxy/index.js';
import { fingerprint } from '../dist/receivers/proxy/fingerprint.js';
import { ResponseObserver } from '../dist/receivers/proxy/observe.js';
import { jsonLimitsOf } from '../dist/util/json-limits.js';
import { benchSettings } from './_settings.mjs';
import { ASK, ASK_STREAM, FIRST, JSON_BODY, REST } from './_proxy-bodies.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BATCH = Number(process.env.PROXY_JUDGE_BATCH ?? 40);
const ROUNDS = Number(process.env.PROXY_JUDGE_ROUNDS ?? 5);
const CALLS = 20_000; // per round

// the proxy receiver's defaults, as Forwarder reads them
const cfg = proxyReceiverFactory.createDefaultConfig();
const limits = { maxBodyBytes: cfg.max_body_bytes, maxChunks: cfg.max_stream_chunks, json: jsonLimitsOf(cfg) };
const fp = {
  tenantHeader: cfg.tenant.header.toLowerCase(),
  tenantKey: cfg.tenant.hmac_key,
  synthetic: cfg.synthetic_header,
  route: '/v1/chat/completions',
  method: 'POST',
};
const target = { provider: 'bench', endpoint: '/v1/chat/completions', serverAddress: '127.0.0.1', serverPort: 1 };
const requestHeaders = {
  host: '127.0.0.1:1',
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-0000000000000000',
  'user-agent': 'OpenAI/JS 6.1.0',
  'x-stainless-timeout': '600',
};
const kinds = {
  json: { ask: Buffer.from(ASK), reads: [Buffer.from(JSON_BODY)], contentType: 'application/json' },
  stream: { ask: Buffer.from(ASK_STREAM), reads: [Buffer.from(FIRST), Buffer.from(REST)], contentType: 'text/event-stream' },
};

/** What Forwarder does for one judged call, around the bytes it forwards. */
function describe(kind) {
  const { ask, reads, contentType } = kinds[kind];
  const parsed = JSON.parse(ask.toString('utf8'));
  const observer = new ResponseObserver(limits, parsed.stream === true);
  observer.headers(200, { 'content-type': contentType, 'x-request-id': 'req_bench' }, 1, 'http://127.0.0.1:1/v1');
  reads.forEach((b, i) => observer.chunk(b, 1 + i));
  const obs = observer.end(1 + reads.length);
  const request = fingerprint(fp, requestHeaders, parsed, ask.length);
  const r = newCallRecord('proxy', 'proxy/bench', target, request, Date.now());
  r.response = obs.response;
  r.timings = obs.timings;
  return r;
}

export default async function run() {
  const noop = consumerFromFn(async () => {});
  const vc = validateProcessorFactory.createDefaultConfig();
  const contract = join(root, 'config/contracts/openai-chat-completions.yaml');
  const stages = {
    validate: new ValidateProcessor(benchSettings('processor', 'validate'), { ...vc, contract, shapes: { ...vc.shapes, persist: false } }, noop),
    classify: new ClassifyProcessor(benchSettings('processor', 'classify'), classifyProcessorFactory.createDefaultConfig(), noop),
    redact: new RedactProcessor(benchSettings('processor', 'redact'), redactProcessorFactory.createDefaultConfig(), noop, {}),
  };
  const metrics = new PrometheusExporter(benchSettings('exporter', 'prometheus'), prometheusExporterFactory.createDefaultConfig());
  console.log(`judging one proxied call, µs per call (batches of ${BATCH}, median of ${ROUNDS} rounds of ${CALLS} calls)`);
  for (const kind of Object.keys(kinds)) {
    const rounds = [];
    for (let round = 0; round <= ROUNDS; round++) {
      // round 0 warms up (the first shapes are learned, the code is compiled)
      const t = { describe: 0, validate: 0, classify: 0, redact: 0, metrics: 0 };
      for (let i = 0; i < CALLS; i += BATCH) {
        let at = performance.now();
        const lap = (stage) => {
          const now = performance.now();
          t[stage] += now - at;
          at = now;
        };
        const batch = [];
        for (let k = 0; k < BATCH; k++) batch.push(describe(kind));
        lap('describe');
        for (const [name, p] of Object.entries(stages)) {
          p.process(batch);
          lap(name);
        }
        await metrics.consume(batch, {});
        lap('metrics');
      }
      if (round > 0) rounds.push(t);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const us = (ms) => ((ms * 1000) / CALLS).toFixed(1);
    const per = Object.keys(rounds[0]).map((s) => [s, median(rounds.map((r) => r[s]))]);
    const total = median(rounds.map((r) => Object.values(r).reduce((a, b) => a + b, 0)));
    console.log(`${kind.padEnd(6)} total ${us(total).padStart(5)}  = ${per.map(([s, ms]) => `${s} ${us(ms)}`).join(', ')}`);
  }
}

// Run when executed directly (bench/run.js starts each benchmark in its own process).
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) await run();
