// SPDX-License-Identifier: Apache-2.0
/* global process, setInterval, clearInterval, Buffer */
// Load side of `npm run soak`, in its own process so it does not disturb the agent's event loop:
// the provider simulator (the demo's target), an OTLP/HTTP sink that answers 200, and a writer
// appending nginx lines at SOAK_LINES_PER_SEC (default 5,000/s) with rename rotation every minute.
import { createServer } from 'node:http';
import { appendFileSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderSimulator } from '../dist/simulator/server.js';
import { parseScenario } from '../dist/simulator/scenario.js';
import { generate } from '../bench/_gen-access-log.mjs';

const [logDir, cacheDir] = process.argv.slice(2);
const RATE = Number(process.env.SOAK_LINES_PER_SEC ?? 5000);
const TICK_MS = 20;
const src = join(cacheDir, 'soak-source-200000.log');
try {
  statSync(src);
} catch {
  generate(src, 200_000, 'text');
}
const lines = readFileSync(src, 'utf8').trimEnd().split('\n');

const sim = new ProviderSimulator(
  parseScenario({
    name: 'soak',
    seed: 30,
    latency: { ttfb: { dist: 'lognormal', value: '40ms', spread: 0.4 }, first_token: { value: '20ms' } },
    errors: [{ mode: 'error_429', rate: 0.03 }, { mode: 'error_500', rate: 0.02 }],
    drift: [
      { mode: 'usage_null', rate: 0.03 },
      { mode: 'renamed_field', rate: 0.02 },
      { mode: 'stream_cut', rate: 0.05, applies_to: 'stream' },
    ],
  }),
);
const baseUrl = await sim.start();

let otlpRequests = 0;
let otlpBytes = 0;
const sink = createServer((req, res) => {
  req.on('data', (c) => (otlpBytes += c.length));
  req.on('end', () => {
    otlpRequests++;
    const json = String(req.headers['content-type'] ?? '').includes('json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : Buffer.alloc(0));
  });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const otlpUrl = `http://127.0.0.1:${sink.address().port}`;

const live = join(logDir, 'access.log');
writeFileSync(live, '');
let written = 0;
let next = 0;
let due = 0;
let lastRotate = Date.now();
const t0 = Date.now();
let writer;
function startWriting() {
  writer = setInterval(() => {
    // catch up to the wall clock so a late tick does not lower the rate
    due = Math.floor(((Date.now() - t0) * RATE) / 1000);
    const n = due - written;
    if (n <= 0) return;
    const chunk = [];
    for (let i = 0; i < n; i++) chunk.push(lines[next++ % lines.length]);
    appendFileSync(live, chunk.join('\n') + '\n');
    written += n;
    if (Date.now() - lastRotate >= 60_000) {
      // rename rotation; the previous rotated file was read long ago (rotate_wait 10s)
      rmSync(live + '.1', { force: true });
      renameSync(live, live + '.1');
      writeFileSync(live, '');
      lastRotate = Date.now();
    }
  }, TICK_MS);
}

process.on('message', async (m) => {
  if (m === 'start') startWriting();
  if (m === 'stop-writing') {
    clearInterval(writer);
    process.send({ type: 'stopped', written });
  }
  if (m === 'exit') {
    await sim.stop();
    sink.close();
    process.exit(0);
  }
});
// the soak script died (unattended run): do not keep writing logs forever
process.on('disconnect', () => process.exit(0));
setInterval(() => process.send({ type: 'tally', written, otlpRequests, otlpBytes }), 200);
process.send({ type: 'ready', baseUrl, otlpUrl });
