// SPDX-License-Identifier: Apache-2.0
/* global process, console, setTimeout, setInterval, fetch */
// `npm run soak -- --minutes N`: the demo pipeline (simulator + probes every few seconds) plus an
// access log growing at 5,000 lines/s, run with the agent IN THIS PROCESS (from ../dist) so the
// event-loop delay measured is the agent's. The load (simulator, OTLP sink, log writer) runs in a
// child process. Prints one row per minute: RSS, heap, event-loop delay p99, lines behind
// (written − accepted by access_log), export queue size, plus the memory split (V8 heap committed,
// external, arrayBuffers, anonymous RSS) needed to tell a leak from allocator/V8 growth.
// Output: a Markdown table and a verdict line.
// Diagnosis: SOAK_HEAP_SNAPSHOTS=3,end writes V8 heap snapshots at those minutes into .cache/soak/
// (a snapshot itself costs RSS: do not judge the growth of a run that took one).
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { main } from '../dist/cli/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argMinutes = process.argv.indexOf('--minutes');
const MINUTES = Number(argMinutes >= 0 ? process.argv[argMinutes + 1] : (process.env.SOAK_MINUTES ?? 5));
const ROW_MS = Number(process.env.SOAK_ROW_SECONDS ?? 60) * 1000;
const SNAPSHOTS = (process.env.SOAK_HEAP_SNAPSHOTS ?? '').split(',').filter(Boolean);
// minutes before the RSS growth is measured from: V8 and the allocator size their pools first
const WARMUP = Number(process.env.SOAK_WARMUP_MINUTES ?? 5);
const cacheDir = join(root, '.cache', 'soak');
mkdirSync(cacheDir, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'dw-soak-'));
const logDir = join(dir, 'logs');
mkdirSync(logDir);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

const load = fork(join(root, 'scripts', '_soak-load.mjs'), [logDir, cacheDir], { stdio: 'inherit' });
process.on('exit', () => load.kill()); // also when the script fails half-way
let tally = { written: 0, otlpRequests: 0, otlpBytes: 0 };
const ready = new Promise((resolve) =>
  load.on('message', (m) => {
    if (m.type === 'ready') resolve(m);
    if (m.type === 'tally' || m.type === 'stopped') tally = { ...tally, ...m };
  }),
);
const { baseUrl, otlpUrl } = await ready;
const healthPort = await freePort();
const config = join(dir, 'soak.yaml');
writeFileSync(
  config,
  `
receivers:
  probe/simulator:
    base_url: ${baseUrl}
    model: gpt-4o-mini
    environment: soak
    budget: { daily_tokens: 0, daily_requests: 0 }
    probes:
      - { name: chat, kind: chat, interval: 3s, prompt_sizes: [small, large] }
      - { name: stream, kind: chat_stream, interval: 3s }
      - { name: usage, kind: usage, interval: 5s }
      - { name: invalid, kind: invalid_request, interval: 10s }
      - { name: deadline, kind: timeout_boundary, interval: 10s, timeout: 300ms }
  access_log/gateway:
    include: [${logDir}/access.log*]
    start_at: beginning
    format: nginx
    log_format: combined_timings_soak
processors:
  validate:
    contract: ${root}/config/contracts/openai-chat-completions.yaml
  classify: {}
  redact: {}
exporters:
  status: {}
  prometheus: { endpoint: 127.0.0.1:0 }
  otlp_http:
    endpoint: ${otlpUrl}
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [probe/simulator, access_log/gateway]
      processors: [validate, classify, redact]
      exporters: [status, prometheus, otlp_http]
`.replace('combined_timings_soak', JSON.stringify((await import('../bench/_gen-access-log.mjs')).TEXT_FORMAT)),
);

process.env.DRIFTWATCH_LOG_LEVEL ??= 'warn';
const agentDone = main(['run', '--config', config, '--data-dir', join(dir, 'data')]);
const metricsUrl = `http://127.0.0.1:${healthPort}/metrics`;
async function scrape() {
  for (let i = 0; i < 200; i++) {
    try {
      const text = await (await fetch(metricsUrl)).text();
      const sum = (re) => [...text.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
      return {
        accepted: sum(/^driftwatch_receiver_accepted_records_total\{[^}]*access_log[^}]*\} (\S+)$/gm),
        refused: sum(/^driftwatch_receiver_refused_records_total\{[^}]*access_log[^}]*\} (\S+)$/gm),
        probes: sum(/^driftwatch_receiver_accepted_records_total\{[^}]*probe[^}]*\} (\S+)$/gm),
        queue: sum(/^driftwatch_exporter_queue_size\{[^}]*\} (\S+)$/gm),
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('the agent never answered /metrics');
}
await scrape();

// Lowest heapUsed seen each second: close to the live heap after a major GC, so a rising
// minimum is a heap leak while a rising heap total with a flat minimum is V8 sizing its heap.
let heapMin = Infinity;
const heapSampler = setInterval(() => (heapMin = Math.min(heapMin, process.memoryUsage().heapUsed)), 1000);
heapSampler.unref();
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
const rows = [];
let cpuMark = process.cpuUsage();
const mb = (b) => (b / 1048576).toFixed(1);
/** Anonymous (malloc + V8) resident memory from /proc; file-backed pages (the node binary) excluded. */
function rssAnon() {
  try {
    const m = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}
function snapshot(label) {
  if (!SNAPSHOTS.includes(String(label))) return;
  const file = writeHeapSnapshot(join(cacheDir, `heap-${label}.heapsnapshot`));
  console.log(`(heap snapshot: ${file})`);
}
async function row(minute) {
  const m = await scrape();
  const mem = process.memoryUsage();
  const r = {
    minute,
    rss: mem.rss,
    anon: rssAnon(),
    heap: mem.heapUsed,
    heapMin: Math.min(heapMin, mem.heapUsed),
    heapTotal: mem.heapTotal,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    // timers, sockets, file handles: a count that climbs is a handle leak
    handles: process.getActiveResourcesInfo().length,
    // CPU seconds of this process (agent + this script) in the minute: GC settings show up here
    cpu: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuMark)),
    spaces: Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x.space_size])),
    p99: eld.percentile(99) / 1e6,
    max: eld.max / 1e6,
    written: tally.written,
    behind: tally.written - m.accepted,
    refused: m.refused,
    probes: m.probes,
    queue: m.queue,
  };
  eld.reset();
  heapMin = Infinity;
  cpuMark = process.cpuUsage();
  rows.push(r);
  console.log(
    `| ${String(minute).padStart(4)} | ${mb(r.rss).padStart(7)} | ${mb(r.anon).padStart(7)} | ${mb(r.heap).padStart(7)} | ${mb(r.heapMin).padStart(7)} | ${mb(r.heapTotal).padStart(7)} | ${mb(r.external).padStart(6)} | ${mb(r.arrayBuffers).padStart(6)} | ${r.p99.toFixed(1).padStart(7)} | ${r.max.toFixed(1).padStart(7)} | ${String(r.written).padStart(10)} | ${String(r.behind).padStart(7)} | ${String(r.probes).padStart(6)} | ${String(r.queue).padStart(5)} | ${String(r.handles).padStart(7)} | ${r.cpu.toFixed(1).padStart(5)} |`,
  );
}

console.log(`soak: ${MINUTES} min, ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, started ${new Date().toISOString()}`);
console.log(
  `node flags: ${process.execArgv.join(' ') || '(none)'}; NODE_OPTIONS=${process.env.NODE_OPTIONS ?? ''}; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? ''}`,
);
console.log(
  '| min | RSS MiB | anon MiB | heap used MiB | heap min MiB | heap total MiB | external MiB | arrayBuffers MiB | ELD p99 ms | ELD max ms | lines written | behind | probe records | queue | handles | CPU s |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
load.send('start');
const t0 = Date.now();
for (let minute = 1; minute * ROW_MS <= MINUTES * 60_000; minute++) {
  await new Promise((r) => setTimeout(r, t0 + minute * ROW_MS - Date.now()));
  await row(minute);
  snapshot(minute);
}
snapshot('end');
// stop the writer; the agent must catch up: zero lines behind is the goal
load.send('stop-writing');
await new Promise((r) => setTimeout(r, 500));
const catchUpStart = Date.now();
let final;
while (Date.now() - catchUpStart < 60_000) {
  final = await scrape();
  if (final.accepted >= tally.written) break;
  await new Promise((r) => setTimeout(r, 250));
}
const behindEnd = tally.written - final.accepted;
console.log(
  `end: ${tally.written} lines written, ${final.accepted} accepted, ${behindEnd} behind after ${((Date.now() - catchUpStart) / 1000).toFixed(1)} s of catch-up; ${final.refused} refused; OTLP requests received ${tally.otlpRequests} (${mb(tally.otlpBytes)} MiB)`,
);
const verdict = soakVerdict(rows, behindEnd);
for (const line of verdict) console.log(line);
process.kill(process.pid, 'SIGTERM');
const code = await agentDone;
load.send('exit');
rmSync(dir, { recursive: true, force: true });
process.exitCode = code;

/**
 * The goals, judged honestly: the RSS growth is measured from the end of the warm-up. One minute's
 * RSS jitters by several MiB (a GC, a rotation), so the figure that decides is the mean of the
 * first 3 post-warm-up minutes against the mean of the last 3; the raw first → last figure and the
 * least-squares slope are printed beside it.
 */
function soakVerdict(rows, behindEnd) {
  const post = rows.filter((r) => r.minute > WARMUP);
  const out = [];
  let rssMet = false;
  if (post.length >= 6) {
    const mean = (rs, k) => rs.reduce((a, r) => a + r[k], 0) / rs.length;
    const head = post.slice(0, 3);
    const tail = post.slice(-3);
    const pct = (a, b) => ((b - a) / a) * 100;
    const first = post[0];
    const last = post[post.length - 1];
    const raw = pct(first.rss, last.rss);
    const smooth = pct(mean(head, 'rss'), mean(tail, 'rss'));
    const n = post.length;
    const mx = post.reduce((a, r) => a + r.minute, 0) / n;
    const my = mean(post, 'rss');
    const slope =
      post.reduce((a, r) => a + (r.minute - mx) * (r.rss - my), 0) / post.reduce((a, r) => a + (r.minute - mx) ** 2, 0);
    rssMet = smooth < 5;
    out.push(
      `RSS after a ${WARMUP}-min warm-up: mean of minutes ${head[0].minute}–${head[2].minute} ${mb(mean(head, 'rss'))} MiB → ` +
        `mean of minutes ${tail[0].minute}–${tail[2].minute} ${mb(mean(tail, 'rss'))} MiB: ${smooth >= 0 ? '+' : ''}${smooth.toFixed(1)} % ` +
        `(raw minute ${first.minute} → ${last.minute}: ${mb(first.rss)} → ${mb(last.rss)} MiB, ${raw >= 0 ? '+' : ''}${raw.toFixed(1)} %; ` +
        `slope ${mb(slope)} MiB/min; anon RSS ${mb(mean(head, 'anon'))} → ${mb(mean(tail, 'anon'))} MiB; ` +
        `heap total ${mb(mean(head, 'heapTotal'))} → ${mb(mean(tail, 'heapTotal'))} MiB; ` +
        `heap min ${mb(mean(head, 'heapMin'))} → ${mb(mean(tail, 'heapMin'))} MiB; ` +
        // anon RSS − V8 committed: malloc, buffers, native; flat means the allocator is not creeping
        `outside V8 ${mb(mean(head, 'anon') - mean(head, 'heapTotal'))} → ${mb(mean(tail, 'anon') - mean(tail, 'heapTotal'))} MiB)`,
    );
    const moved = Object.keys(last.spaces)
      .map((k) => [k, last.spaces[k] - (first.spaces[k] ?? 0)])
      .filter(([, d]) => Math.abs(d) >= 512 * 1024)
      .map(([k, d]) => `${k} ${d >= 0 ? '+' : ''}${mb(d)}`);
    out.push(
      `V8 spaces committed, minute ${first.minute} → ${last.minute} (MiB): ${moved.join(', ') || 'no space moved by 0.5 MiB or more'}`,
    );
  } else {
    out.push(`RSS growth: not judged, needs at least ${WARMUP + 6} minutes (warm-up ${WARMUP} + 6)`);
  }
  const worstP99 = Math.max(...rows.map((r) => r.p99));
  const eldMet = worstP99 < 50;
  const behindMet = behindEnd <= 0;
  const full = MINUTES >= 30;
  out.push(
    `verdict: RSS growth < 5 % ${rssMet ? 'met' : 'NOT met'}; worst per-minute event-loop p99 ${worstP99.toFixed(1)} ms < 50 ms ${eldMet ? 'met' : 'NOT met'}; ` +
      `lines behind at the end ${behindEnd} = 0 ${behindMet ? 'met' : 'NOT met'} => ${rssMet && eldMet && behindMet ? 'PASS' : 'FAIL'}` +
      (full ? '' : ` (a ${MINUTES}-min run: the goal is judged over 30 min)`),
  );
  return out;
}
