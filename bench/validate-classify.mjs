// SPDX-License-Identifier: Apache-2.0
// validate → classify → redact throughput on recorded fixtures (records/s), by record kind.
/* global process, console, structuredClone */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consumerFromFn } from '../dist/component/consumer.js';
import { loadProcessSettings } from '../dist/config/process-settings.js';
import { parseSse } from '../dist/contract/sse.js';
import { newCallRecord } from '../dist/model/call-record.js';
import { ClassifyProcessor } from '../dist/processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../dist/processors/classify/index.js';
import { RedactProcessor } from '../dist/processors/redact/redact-processor.js';
import { redactProcessorFactory } from '../dist/processors/redact/index.js';
import { ValidateProcessor } from '../dist/processors/validate/validate-processor.js';
import { validateProcessorFactory } from '../dist/processors/validate/index.js';
import { createComponentTelemetry } from '../dist/telemetry/component-telemetry.js';
import { silentLogger } from '../dist/telemetry/logger.js';
import { SelfMetrics } from '../dist/telemetry/self-metrics.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'llm');
const settings = (id) => ({
  id,
  kind: 'processor',
  logger: silentLogger(),
  telemetry: createComponentTelemetry(new SelfMetrics(), 'processor', id, 'bench'),
  process: loadProcessSettings({}, {}),
  dataDir: '',
  sensitive: ['sk-bench-secret-0123456789', 'Reply with exactly: pong.'],
});

function base(source, stream) {
  return newCallRecord(source, `${source}/bench`, { provider: 'openai', endpoint: '/v1/chat/completions' }, {
    method: 'POST', route: '/v1/chat/completions', model: 'gpt-4o-mini', stream, includeUsage: true, synthetic: source === 'probe',
  });
}
const makers = {
  response: (readFileSync(join(FIX, 'responses', 'openai-gpt4o-basic-stop.json'), 'utf8')),
  stream: readFileSync(join(FIX, 'streams', 'openai-gpt4o-basic-include-usage.sse'), 'utf8'),
  error: JSON.parse(readFileSync(join(FIX, 'errors', 'openai-429-rate-limit-rpm-type-requests.json'), 'utf8')),
};
const build = {
  response: () => { const r = base('probe', false); r.response.status = 200; r.response.parse = 'json'; r.response.body = JSON.parse(makers.response); r.response.headers = { 'x-request-id': 'req_1', 'content-type': 'application/json' }; return r; },
  stream: () => { const r = base('probe', true); r.response.status = 200; r.response.parse = 'sse'; r.response.stream = parseSse(makers.stream); return r; },
  error: () => { const r = base('probe', false); r.response.status = 429; r.response.parse = 'json'; r.response.body = structuredClone(makers.error.body); return r; },
  access_log: () => { const r = base('access_log', false); r.response.status = [200, 200, 200, 502, 429][Math.floor(Math.random() * 5)]; r.response.parse = 'not_read'; r.upstream = { statuses: [r.response.status], attempts: 1, retried: false, connectMs: 2 }; r.timings = { totalMs: 120, upstreamMs: 110 }; return r; },
};

export default async function run() {
  const noop = consumerFromFn(async () => {});
  const vc = validateProcessorFactory.createDefaultConfig();
  const v = new ValidateProcessor(settings('validate'), { ...vc, shapes: { ...vc.shapes, persist: false } }, noop);
  const c = new ClassifyProcessor(settings('classify'), classifyProcessorFactory.createDefaultConfig(), noop);
  const rd = new RedactProcessor(settings('redact'), redactProcessorFactory.createDefaultConfig(), noop, { DRIFTWATCH_HMAC_KEY: 'bench' });
  const BATCH = 512;
  for (const [kind, make] of Object.entries(build)) {
    const n = kind === 'stream' ? 20_000 : 100_000;
    // warm-up
    for (let i = 0; i < 8; i++) { const w = Array.from({ length: BATCH }, make); v.process(w); c.process(w); rd.process(w); }
    // records are built outside the timed part (that is the receivers' work), one batch at a time
    let ns = 0n;
    for (let i = 0; i < n; i += BATCH) {
      const b = Array.from({ length: Math.min(BATCH, n - i) }, make);
      const t0 = process.hrtime.bigint();
      v.process(b); c.process(b); rd.process(b);
      ns += process.hrtime.bigint() - t0;
    }
    const ms = Number(ns) / 1e6;
    const extra = kind === 'stream' ? ` (${makers.stream.split('\n\n').length - 1} SSE events each)` : '';
    console.log(`validate+classify+redact  ${kind.padEnd(10)} ${String(Math.round(n / (ms / 1000))).padStart(9)} records/s  (${n} records in ${ms.toFixed(0)} ms)${extra}`);
  }
}

// Run when executed directly (bench/run.js starts each benchmark in its own process).
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) await run();
