// SPDX-License-Identifier: Apache-2.0
/* global URL, console */
// SSE stream reading throughput: a recorded Groq stream (test/fixtures/llm/streams) fed to the
// ChatStreamAccumulator in 1 KiB reads, repeated. Run by `npm run bench` (or after `npm run build`: node bench/sse.mjs)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChatStreamAccumulator } from '../dist/sse/chat-stream.js';

const body = readFileSync(new URL('../test/fixtures/llm/streams/groq-llama3-usage-in-x_groq.sse', import.meta.url));
const reads = [];
for (let i = 0; i < body.length; i += 1024) reads.push(body.subarray(i, i + 1024));

function once() {
  const acc = new ChatStreamAccumulator();
  let t = 0;
  for (const r of reads) acc.push(r, t++);
  return acc.end();
}

for (let i = 0; i < 200; i++) once(); // warm-up
const rounds = 2000;
const start = performance.now();
let events = 0;
for (let i = 0; i < rounds; i++) events += once().summary.events;
const ms = performance.now() - start;
const mb = (body.length * rounds) / 1024 / 1024;
console.log(
  `sse: ${rounds} streams of ${body.length} bytes in ${ms.toFixed(0)} ms → ${(mb / (ms / 1000)).toFixed(1)} MiB/s, ` +
    `${((events / ms) * 1000).toFixed(0)} events/s, ${((rounds / ms) * 1000).toFixed(0)} streams/s`,
);
