// SPDX-License-Identifier: Apache-2.0
/* global process, console, Buffer, structuredClone */
// What judging one proxied call costs, stage by stage, in one process with no sockets: describing
// the call as the proxy does (the response observed chunk by chunk, the request fingerprinted,
// the CallRecord built), then validate, classify, redact and the prometheus exporter's metrics,
// in batches as the proxy's outbox hands them on. Prints µs per call for each stage, for the
// bench upstream's answer (JSON) and stream, median of PROXY_JUDGE_ROUNDS rounds (5).
// bench/proxy.mjs measures the whole agent on a noisy machine; this is the steady figure of the
// judging half, for changes to it. PROXY_JUDGE_BATCH: records per batch (40: what the outbox,
// flushing every 20 ms, hands on at 2,000 calls/s).
// PROXY_JUDGE_BASELINE=DIR (a checkout of another commit, built) then compares describing a call
// with that build's against this one's in one process, alternating short rounds: on a noisy VM the
// only way to resolve a few µs (the median of the per-round ratios moves by ~0.01 between runs).
// Then, for `forward_thread: true`, what the forwarding thread spends on a judged call besides
// forwarding it: recording it and handing a batch of 64 to the agent's thread (its bytes packed
// into one buffer, transferred with a structured clone of the batch), against describing it there
// and copying the described records (how it worked before).
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { consumerFromFn } from '../dist/component/consumer.js';
import { PrometheusExporter } from '../dist/exporters/prometheus/prometheus-exporter.js';
import { prometheusExporterFactory } from '../dist/exporters/prometheus/index.js';
import { ClassifyProcessor } from '../dist/processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../dist/processors/classify/index.js';
import { RedactProcessor } from '../dist/processors/redact/redact-processor.js';
import { redactProcessorFactory } from '../dist/processors/redact/index.js';
import { ValidateProcessor } from '../dist/processors/validate/validate-processor.js';
import { validateProcessorFactory } from '../dist/processors/validate/index.js';
import { proxyReceiverFactory } from '../dist/receivers/proxy/index.js';
import { CallDescriber, packBytes, ResponseRecorder } from '../dist/receivers/proxy/describe.js';
import { benchSettings } from './_settings.mjs';
import { ASK, ASK_STREAM, FIRST, JSON_BODY, REST } from './_proxy-bodies.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BATCH = Number(process.env.PROXY_JUDGE_BATCH ?? 40);
const ROUNDS = Number(process.env.PROXY_JUDGE_ROUNDS ?? 5);
const CALLS = 20_000; // per round

// the proxy receiver's defaults, as the forwarder describes with them
const cfg = { ...proxyReceiverFactory.createDefaultConfig(), upstream: 'http://127.0.0.1:1', provider: 'bench' };
const describer = new CallDescriber('proxy/bench', cfg, false);
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

/** One described call of `kind` with the describer of the given build (its dist/ modules). */
async function describerOf(dist) {
  const { proxyReceiverFactory: f } = await import(`${dist}/receivers/proxy/index.js`);
  const { CallDescriber: D } = await import(`${dist}/receivers/proxy/describe.js`);
  const d = new D('proxy/bench', { ...f.createDefaultConfig(), upstream: 'http://127.0.0.1:1', provider: 'bench' }, false);
  return (kind) => () => describeWith(d, kind);
}

/** Describing a call with a baseline build against this one, alternating rounds in one process. */
export async function againstBaseline(baselineDir) {
  const base = await describerOf(pathToFileURL(join(baselineDir, 'dist')).href);
  const now = await describerOf(pathToFileURL(join(root, 'dist')).href);
  console.log(`describing one call: ${baselineDir} (base) against this build, 60 alternating rounds of 5,000 calls`);
  for (const kind of Object.keys(kinds)) {
    const [a, b] = [base(kind), now(kind)];
    const ta = [];
    const tb = [];
    for (let round = 0; round <= 60; round++) {
      const t0 = performance.now();
      for (let i = 0; i < 5000; i++) a();
      const t1 = performance.now();
      for (let i = 0; i < 5000; i++) b();
      const t2 = performance.now();
      if (round === 0) continue; // warm-up
      ta.push((t1 - t0) / 5); // µs per call
      tb.push((t2 - t1) / 5);
    }
    const ratio = median(ta.map((x, i) => tb[i] / x));
    console.log(`${kind.padEnd(6)} base ${median(ta).toFixed(1)} µs, this build ${median(tb).toFixed(1)} µs; median ratio ${ratio.toFixed(3)}`);
  }
}

const facts = (ask) => ({ startWall: Date.now(), route: '/v1/chat/completions', method: 'POST', bodyBytes: ask.length });
const responseHeaders = (contentType) => ({ 'content-type': contentType, 'x-request-id': 'req_bench' });
const URL_ = 'http://127.0.0.1:1/v1/chat/completions';

/** What the forwarder does with describer `d` for one judged call in the agent's thread, around the bytes it forwards. */
function describeWith(d, kind) {
  const { ask, reads, contentType } = kinds[kind];
  const parsed = d.parseRequest(ask);
  const observer = d.observer(parsed);
  observer.headers(200, responseHeaders(contentType), 1, URL_);
  for (let i = 0; i < reads.length; i++) observer.chunk(reads[i], 1 + i);
  return d.record({ ...facts(ask), headers: requestHeaders, parsed }, observer.end(1 + reads.length), () => {});
}
const describe = (kind) => describeWith(describer, kind);

/** What the forwarding thread keeps of one judged call (`forward_thread: true`). */
function recordCall(kind) {
  const { ask, reads, contentType } = kinds[kind];
  const rec = new ResponseRecorder(cfg.max_body_bytes);
  rec.onHeaders(200, responseHeaders(contentType), 1);
  reads.forEach((b, i) => rec.onData(b, 1 + i));
  return rec.finish({
    ...facts(ask),
    headers: describer.fingerprintHeaders(requestHeaders),
    body: ask,
    url: URL_,
    totalMs: 1 + reads.length,
    clientAborted: false,
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (ms) => ((ms * 1000) / CALLS).toFixed(1);

/** µs per call on the forwarding thread: `make` each call, hand over batches of 64 as `clone` does. */
function threadShare(make, clone) {
  const rounds = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i += 64) {
      const batch = [];
      for (let k = 0; k < 64; k++) batch.push(make());
      clone(batch);
    }
    if (round > 0) rounds.push(performance.now() - t0);
  }
  return us(median(rounds));
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
    const per = Object.keys(rounds[0]).map((s) => [s, median(rounds.map((r) => r[s]))]);
    const total = median(rounds.map((r) => Object.values(r).reduce((a, b) => a + b, 0)));
    console.log(`${kind.padEnd(6)} total ${us(total).padStart(5)}  = ${per.map(([s, ms]) => `${s} ${us(ms)}`).join(', ')}`);
  }
}

export function forwardThread() {
  console.log('forward_thread: true, µs per judged call on the forwarding thread besides forwarding it');
  for (const kind of Object.keys(kinds)) {
    const before = threadShare(
      () => describe(kind),
      (batch) => structuredClone(batch),
    );
    const now = threadShare(
      () => recordCall(kind),
      (batch) => structuredClone(batch, { transfer: [packBytes(batch)] }),
    );
    console.log(`${kind.padEnd(6)} recorded, bytes moved ${now.padStart(5)}  (described, records copied: ${before})`);
  }
}

// Run when executed directly (bench/run.js starts each benchmark in its own process).
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await run();
  forwardThread();
  if (process.env.PROXY_JUDGE_BASELINE) await againstBaseline(process.env.PROXY_JUDGE_BASELINE);
}
