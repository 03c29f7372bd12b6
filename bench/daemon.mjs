// SPDX-License-Identifier: Apache-2.0
/* global process, console, Buffer */
// The daemon as deployed (issue 16): `driftwatch run` with the Dockerfile's node flags and the
// gateway pipeline of the README (access_log → validate, classify, redact, batch → otlp_http +
// prometheus, health_check), every option at its shipped default, against a loopback OTLP sink.
//   1. backlog: a generated 1,000,000-line nginx file that exists before the start
//      (start_at: beginning) — wall time until every line is acknowledged, lines/s, lines per
//      CPU-second, peak RSS, event-loop delay p99/max (inside the daemon, bench/_stats-preload.mjs);
//   2. live: a second file that a writer appends to as fast as it can (1 MiB slices), followed
//      by the same daemon — sustained lines/s and the same figures;
//   3. the Node raw limit on the same file in the same run (bench/_node-raw-limit.mjs: read,
//      split, one regex, aggregate) and the pipeline's share of it.
// Lines are counted by the receiver's own acknowledged counter
// (driftwatch_receiver_accepted_records_total: it moves only once every exporter accepted a batch).
// Knobs: BENCH_DAEMON_LINES (1e6), BENCH_LIVE_LINES (300000), BENCH_DAEMON_TIMEOUT_S (600),
// BENCH_NODE_OPTIONS (instead of the Dockerfile's flags, for trade-off runs), BENCH_KEEP=1.
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate, TEXT_FORMAT } from './_gen-access-log.mjs';
import {
  fmt,
  freePort,
  load1,
  machine,
  ok,
  procCpuS,
  procRss,
  root,
  scrape,
  sleep,
  startDaemon,
  startOtlpSink,
} from './_daemon-harness.mjs';

const LINES = Number(process.env.BENCH_DAEMON_LINES ?? 1_000_000);
const LIVE = Number(process.env.BENCH_LIVE_LINES ?? 300_000);
const TIMEOUT_S = Number(process.env.BENCH_DAEMON_TIMEOUT_S ?? 600);

const backlog = join(root, '.cache', 'bench', `access-text-${LINES}.log`);
if (!existsSync(backlog)) {
  const t = Date.now();
  generate(backlog, LINES, 'text');
  console.log(`generated ${backlog} (${(statSync(backlog).size / 1048576).toFixed(0)} MiB) in ${Date.now() - t} ms`);
}
// the live file's source: other lines (another seed), so its first bytes, which identify a file to
// the receiver, differ from the backlog's (a copy would be taken for the same, already read file)
const liveSource = join(root, '.cache', 'bench', `access-text-live-${LIVE}.log`);
if (LIVE > 0 && !existsSync(liveSource)) generate(liveSource, LIVE, 'text', 7);
console.log(`daemon benchmark: ${fmt(LINES)}-line backlog + ${fmt(LIVE)} live lines; ${machine()}`);

// 3 first: the raw limit, on the same file, in this run
const raw = spawnSync(process.execPath, [join(root, 'bench', '_node-raw-limit.mjs'), backlog], { encoding: 'utf8' });
const rawStats = JSON.parse(raw.stdout.trim().split('\n').pop() ?? '{}');
const rawPerCpu = rawStats.lines / rawStats.cpuS;
console.log(
  `Node raw limit (read + split + regex + aggregate): ${fmt(rawPerCpu)} lines/CPU-s ` +
    `(${rawStats.cpuS?.toFixed(2)} CPU s, peak RSS ${rawStats.peakRssMiB?.toFixed(0)} MiB, ${rawStats.unparsed} unparsed) [load ${load1()}]`,
);

const sink = await startOtlpSink();
const health = await freePort();
const prom = await freePort();
const tmpLive = join(root, '.cache', 'bench', `live-${process.pid}.log`);
writeFileSync(tmpLive, '');
const config = `# the README's gateway pipeline, shipped defaults
receivers:
  access_log/gateway:
    include: [${JSON.stringify(backlog)}, ${JSON.stringify(tmpLive)}]
    format: nginx
    log_format: ${JSON.stringify(TEXT_FORMAT)}
    start_at: beginning
processors:
  validate: {}
  classify: {}
  redact: {}
  batch: {}
exporters:
  otlp_http:
    endpoint: ${sink.url}
  prometheus:
    endpoint: 127.0.0.1:${prom}
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  pipelines:
    gateway:
      receivers: [access_log/gateway]
      processors: [validate, classify, redact, batch]
      exporters: [otlp_http, prometheus]
`;

const metricsUrl = `http://127.0.0.1:${health}/metrics`;
const accepted = () => scrape(metricsUrl, 'driftwatch_receiver_accepted_records_total', { receiver: 'access_log/gateway' });
const t0 = performance.now();
const d = startDaemon(config, { label: 'daemon' });
console.log(`driftwatch run, node flags: ${d.flags.join(' ') || '(none)'} (Dockerfile NODE_OPTIONS)`);

/** Polls until `target` lines are acknowledged; returns timing and CPU facts. */
async function until(target, since) {
  let firstAt;
  let cpuAtFirst;
  let n = 0;
  let peak = 0;
  const deadline = since + TIMEOUT_S * 1000;
  while (performance.now() < deadline) {
    const e = await Promise.race([d.exited, sleep(200).then(() => undefined)]);
    if (e) throw new Error(`driftwatch exited early (${JSON.stringify(e)}): ${d.stderr().slice(-2000)}`);
    const r = procRss(d.pid);
    if (r) peak = Math.max(peak, r.rssMiB);
    n = (await accepted()) ?? n;
    if (firstAt === undefined && n > target - (target === LINES ? LINES : LIVE)) {
      firstAt = performance.now();
      cpuAtFirst = procCpuS(d.pid);
    }
    if (n >= target) return { done: true, at: performance.now(), n, firstAt, cpuAtFirst, peak };
  }
  return { done: false, at: performance.now(), n, firstAt, cpuAtFirst, peak };
}

let failed = false;
try {
  // 1. backlog
  const cpuStart = 0;
  const b = await until(LINES, t0);
  const w1 = await d.window();
  const wall = (b.at - t0) / 1000;
  const cpu1 = (procCpuS(d.pid) ?? w1.cpuS) - cpuStart;
  const got = b.done ? LINES : b.n;
  console.log(
    `backlog ${b.done ? 'caught up' : `NOT caught up after ${TIMEOUT_S} s (${fmt(b.n)} lines)`}: ${wall.toFixed(1)} s wall ` +
      `(start-up included), ${fmt(got / wall)} lines/s, ${cpu1.toFixed(2)} CPU s, ${fmt(got / cpu1)} lines/CPU-s ` +
      `(${fmt(rawPerCpu > 0 ? (100 * got) / cpu1 / rawPerCpu : NaN)} % of the raw limit), peak RSS ${w1.peakRssMiB.toFixed(0)} MiB, ` +
      `event-loop p99 ${w1.eldP99Ms.toFixed(1)} ms max ${w1.eldMaxMs.toFixed(0)} ms [load ${load1()}]`,
  );
  console.log(
    `  goals: caught up ≤ 10 s ${ok(b.done && wall <= 10)}; ≥ 250,000 lines/CPU-s ${ok(got / cpu1 >= 250_000)}; ` +
      `≥ 35 % of the raw limit ${ok(got / cpu1 >= 0.35 * rawPerCpu)}; peak RSS ≤ 100 MiB ${ok(w1.peakRssMiB <= 100)}`,
  );

  // 2. live: append the LIVE lines of the live source to the followed file, as fast as possible
  if (b.done && LIVE > 0) {
    const fd = openSync(liveSource, 'r');
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let lines = 0;
    const tLive = performance.now();
    const cpuLive0 = procCpuS(d.pid);
    const writer = (async () => {
      while (lines < LIVE) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        let end = n;
        let count = 0;
        for (let i = 0; i < n; i++)
          if (buf[i] === 10) {
            count++;
            if (lines + count === LIVE) {
              end = i + 1;
              break;
            }
          }
        // whole lines only, so the count is exact
        if (end === n) end = buf.lastIndexOf(10, n - 1) + 1;
        count = 0;
        for (let i = 0; i < end; i++) if (buf[i] === 10) count++;
        appendFileSync(tmpLive, buf.subarray(0, end));
        pos += end;
        lines += count;
        await sleep(2);
      }
      closeSync(fd);
    })();
    const l = await until(LINES + LIVE, tLive);
    await writer;
    const w2 = await d.window();
    const lwall = (l.at - tLive) / 1000;
    const lcpu = (procCpuS(d.pid) ?? 0) - (cpuLive0 ?? 0);
    const lgot = l.n - LINES;
    console.log(
      `live file ${l.done ? '' : `(NOT complete after ${TIMEOUT_S} s) `}: ${fmt(lgot)} lines in ${lwall.toFixed(1)} s, ` +
        `${fmt(lgot / lwall)} lines/s sustained, ${lcpu.toFixed(2)} CPU s, ${fmt(lgot / lcpu)} lines/CPU-s, ` +
        `RSS now ${w2.rssMiB.toFixed(0)} MiB, event-loop p99 ${w2.eldP99Ms.toFixed(1)} ms max ${w2.eldMaxMs.toFixed(0)} ms [load ${load1()}]`,
    );
    console.log(`  goals: ≥ 50,000 lines/s sustained ${ok(lgot / lwall >= 50_000)}`);
  }
} catch (err) {
  failed = true;
  console.log(`daemon benchmark failed: ${err.message}`);
} finally {
  const { exit, last } = await d.stop();
  await sink.close();
  try {
    writeFileSync(tmpLive, '');
    (await import('node:fs')).rmSync(tmpLive, { force: true });
  } catch {
    // already gone
  }
  if (last)
    console.log(
      `whole run: peak RSS ${last.peakRssMiB.toFixed(0)} MiB; exit ${exit?.code ?? exit?.signal}; ` +
        `OTLP requests ${sink.stats.requests} (${(sink.stats.bytes / 1048576).toFixed(1)} MiB) [load ${load1()}]`,
    );
  d.cleanup();
}
process.exit(failed ? 1 : 0);
