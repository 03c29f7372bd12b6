// SPDX-License-Identifier: Apache-2.0
/* global process, console */
// The agent under a hostile upstream mix (issue 16): `driftwatch run` as deployed (Dockerfile
// node flags) with 16 probe targets on the built-in simulator (run as its own process) that
// answer well-formed bodies under the 1 MiB limit: 4 × a 400,000-deep array, 4 × 10,000
// choices, 4 × a 60,000-key object, 4 × a 6,000-event stream, each probed every
// BENCH_HOSTILE_INTERVAL (1s), through validate → classify → redact → otlp_http + prometheus +
// status. Prints the event-loop delay p99 / max measured inside the agent
// (bench/_stats-preload.mjs), peak RSS, /healthz response times seen from outside (every
// 100 ms) and how many probe records were delivered. The same mix runs twice in one run: with
// the shipped JSON limits, and with the limits lifted (max_json_depth / max_json_values huge),
// which is how the agent behaved before they existed, and once with ordinary bodies (baseline:
// what the machine's load alone costs the event loop).
// Knobs: BENCH_HOSTILE_SECONDS (45 per run), BENCH_HOSTILE_INTERVAL (1s), BENCH_HOSTILE_COMPARE (1).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  fmt,
  freePort,
  load1,
  machine,
  ok,
  percentile,
  procRss,
  root,
  scrape,
  sleep,
  startDaemon,
  startOtlpSink,
  timedGet,
} from './_daemon-harness.mjs';

const SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS ?? 45);
const INTERVAL = process.env.BENCH_HOSTILE_INTERVAL ?? '1s';
const COMPARE = process.env.BENCH_HOSTILE_COMPARE !== '0';
const MIX = [
  ['deep_body', 'chat'],
  ['many_choices', 'chat'],
  ['many_keys', 'chat'],
  ['long_stream', 'chat_stream'],
];

console.log(`hostile upstream benchmark: 16 probe targets every ${INTERVAL}, ${SECONDS} s per run; ${machine()}`);

// the simulator in its own process, so its CPU is not the agent's
const simDir = mkdtempSync(join(tmpdir(), 'dw-bench-hostile-sim-'));
writeFileSync(join(simDir, 'scenario.yaml'), 'latency:\n  ttfb: { value: 0 }\n  first_token: { value: 0 }\n  chunk_gap: { value: 0 }\n');
const simPort = await freePort();
const sim = spawn(
  process.execPath,
  [join(root, 'bin', 'driftwatch.js'), 'simulate', '--scenario', join(simDir, 'scenario.yaml'), '--port', String(simPort)],
  { cwd: root, stdio: 'ignore' },
);
for (let i = 0; i < 100 && (await timedGet(`http://127.0.0.1:${simPort}/v1/models`)) === undefined; i++) await sleep(100);

function pipeline(sink, health, prom, lifted, normal) {
  const limits = lifted ? '\n    max_json_depth: 100000000\n    max_json_values: 100000000' : '';
  let receivers = '';
  const ids = [];
  for (let i = 0; i < 16; i++) {
    const [hostileMode, kind] = MIX[i % MIX.length];
    const mode = normal ? 'normal' : hostileMode;
    const id = `probe/h${i}`;
    ids.push(id);
    receivers += `  ${id}:
    base_url: http://127.0.0.1:${simPort}/v1
    model: gpt-4o-mini
    headers: { x-simulator-mode: ${mode} }
    budget: { daily_tokens: 0, daily_requests: 0 }${limits}
    probes:
      - { name: ${hostileMode}, kind: ${kind}, interval: ${INTERVAL} }
`;
  }
  return {
    ids,
    yaml: `receivers:
${receivers}processors:
  validate: {}
  classify: {}
  redact: {}
exporters:
  otlp_http:
    endpoint: ${sink.url}
  prometheus:
    endpoint: 127.0.0.1:${prom}
  status: {}
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [${ids.join(', ')}]
      processors: [validate, classify, redact]
      exporters: [otlp_http, prometheus, status]
`,
  };
}

async function run(label, lifted, normal = false) {
  const sink = await startOtlpSink();
  const health = await freePort();
  const prom = await freePort();
  const { yaml } = pipeline(sink, health, prom, lifted, normal);
  const d = startDaemon(yaml, { label: 'hostile' });
  const healthz = `http://127.0.0.1:${health}/healthz`;
  try {
    for (let i = 0; i < 300 && (await timedGet(healthz)) === undefined; i++) await sleep(100);
    await sleep(5000); // warm-up: first bodies, JIT
    await d.window(); // start-up and warm-up are not part of the figures
    const probes0 = (await scrape(`http://127.0.0.1:${health}/metrics`, 'driftwatch_receiver_accepted_records_total')) ?? 0;
    const times = [];
    let failures = 0;
    let peak = 0;
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const t = await timedGet(healthz);
      if (t === undefined) failures++;
      else times.push(t);
      peak = Math.max(peak, procRss(d.pid)?.rssMiB ?? 0);
      await sleep(100);
    }
    const probes = ((await scrape(`http://127.0.0.1:${health}/metrics`, 'driftwatch_receiver_accepted_records_total')) ?? 0) - probes0;
    const w = await d.window();
    console.log(
      `${label}: event-loop delay p99 ${w.eldP99Ms.toFixed(1)} ms, max ${w.eldMaxMs.toFixed(0)} ms; ` +
        `RSS peak ${Math.max(peak, w.rssMiB).toFixed(0)} MiB (process peak ${w.peakRssMiB.toFixed(0)} MiB); ` +
        `CPU ${((100 * w.cpuS) / w.wallS).toFixed(0)} %; /healthz p50 ${percentile(times, 50).toFixed(1)} ms ` +
        `p99 ${percentile(times, 99).toFixed(1)} ms max ${Math.max(...times).toFixed(0)} ms (${times.length} calls, ${failures} failed); ` +
        `probe records delivered ${fmt(probes)} in ${SECONDS} s [load ${load1()}]`,
    );
    return w;
  } finally {
    await d.stop();
    await sink.close();
    d.cleanup();
  }
}

try {
  // the same 16 targets answering ordinary small bodies: what this machine's load alone costs
  if (COMPARE) await run('baseline: same targets, ordinary bodies', false, true);
  const shipped = await run('shipped limits (64 deep, 10,000 values)', false);
  console.log(`  goal: event-loop delay p99 ≤ 50 ms ${ok(shipped.eldP99Ms <= 50)}`);
  if (COMPARE) await run('limits lifted (as before issue 16)', true);
} finally {
  sim.kill('SIGTERM');
  rmSync(simDir, { recursive: true, force: true });
}
