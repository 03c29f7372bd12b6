// SPDX-License-Identifier: Apache-2.0
/* global console */
// Why otlp_http does not send through the SDK exporter packages' export path (see
// src/exporters/otlp-http/README.md): one export() of @opentelemetry/exporter-trace-otlp-http
// against a loopback server that answers 503 (Retry-After: 0), then 200 with a partial success.
// Prints how many POSTs one export made and what the caller learns. Run: node scripts/measure-sdk-otlp-exporter.mjs
import { createServer } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

let posts = 0;
let mode = '503';
const srv = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    posts++;
    if (mode === '503') return res.writeHead(503, { 'retry-after': '0' }).end();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ partialSuccess: { rejectedSpans: 1, errorMessage: 'bad span' } }));
  });
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${srv.address().port}/v1/traces`;
const spans = [];
const tp = new BasicTracerProvider({
  spanProcessors: [{ onStart() {}, onEnd: (s) => spans.push(s), async forceFlush() {}, async shutdown() {} }],
});
tp.getTracer('measure').startSpan('one').end();
for (const m of ['503', 'partial_success']) {
  mode = m === '503' ? '503' : 'partial';
  posts = 0;
  const t0 = Date.now();
  const ex = new OTLPTraceExporter({ url, timeoutMillis: 10_000 });
  const r = await new Promise((done) => ex.export(spans, done));
  console.log(
    JSON.stringify({
      server_answer: m,
      posts_for_one_export: posts,
      ms: Date.now() - t0,
      result: r.code === 0 ? 'SUCCESS' : 'FAILED',
      error: r.error ? String(r.error.message ?? r.error) : undefined,
      status_code_seen_by_caller: r.error?.code,
      rejected_count_seen_by_caller: undefined,
    }),
  );
  await ex.shutdown();
}
srv.close();
