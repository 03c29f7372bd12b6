// SPDX-License-Identifier: Apache-2.0
/* global URL, process, console */
// Memory stays bounded under bad input: 30 probes against a 10 MB body and 30 against a stream
// that never ends, with the default 1 MiB body limit; prints heap and RSS before and after.
// Run by `npm run bench` (or after `npm run build`: node --expose-gc bench/probe-memory.mjs)
import { performance } from 'node:perf_hooks';
import { Connections } from '../dist/receivers/probe/connection.js';
import { runAttempt } from '../dist/receivers/probe/http-attempt.js';
import { parseScenario } from '../dist/simulator/scenario.js';
import { ProviderSimulator } from '../dist/simulator/server.js';

const mb = (n) => (n / 1024 / 1024).toFixed(1);
const gc = () => globalThis.gc?.();
const sim = new ProviderSimulator(parseScenario({ latency: { ttfb: { value: 0 }, first_token: { value: 0 } } }));
const base = await sim.start();
const url = new URL(`${base}/chat/completions`);
const conns = new Connections({ origin: url, connectTimeoutMs: 5000, keepAlive: false, proxy: '', env: {}, dnsServers: [] });
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });

async function run(mode, n) {
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const lease = conns.lease('bench');
    const a = await runAttempt(
      {
        url,
        headers: { 'content-type': 'application/json', 'x-simulator-mode': mode },
        body,
        stream: true,
        deadlineMs: 300,
        idleMs: 5000,
        maxBodyBytes: 1024 * 1024,
        maxChunks: 1000,
      },
      lease,
    );
    await lease.release();
    bytes += a.response.bodyBytes ?? 0;
  }
  return { ms: performance.now() - start, bytes };
}

gc();
const before = process.memoryUsage();
const huge = await run('huge_body', 30);
const endless = await run('stream_never_ends', 30);
gc();
const after = process.memoryUsage();
console.log(`huge_body x30: read ${mb(huge.bytes)} MiB in total (limit 1 MiB each), ${(huge.ms / 30).toFixed(0)} ms/probe`);
console.log(`stream_never_ends x30 (300 ms deadline): read ${mb(endless.bytes)} MiB, ${(endless.ms / 30).toFixed(0)} ms/probe`);
console.log(
  `heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MiB, rss ${mb(before.rss)} → ${mb(after.rss)} MiB`,
);
await conns.close();
await sim.stop();
