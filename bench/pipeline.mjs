// SPDX-License-Identifier: Apache-2.0
/* global process, console, setTimeout, fetch, Buffer */
// The full documented gateway pipeline as deployed, in its own `driftwatch run` process:
// access_log → validate, classify, redact, batch → otlp_http (a loopback sink that answers 200)
// + prometheus. The log is appended after the agent is up, so startup CPU is left out; prints
// lines/s and lines per CPU-second of the agent process (from /proc/<pid>/stat), peak RSS.
// BENCH_PIPELINE_LINES (default 200,000) lines; BENCH_PIPELINE_INFLIGHT batches in flight (8).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { appendFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, TEXT_FORMAT } from './_gen-access-log.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.env.BENCH_PIPELINE_LINES ?? 200_000);
const INFLIGHT = Number(process.env.BENCH_PIPELINE_INFLIGHT ?? 8);
const src = join(root, '.cache', 'bench', `pipeline-source-${LINES}.log`);
mkdirSync(dirname(src), { recursive: true });
try {
  statSync(src);
} catch {
  generate(src, LINES, 'text');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));
const free = async () => {
  const s = createServer();
  const p = await listen(s);
  await new Promise((r) => s.close(r));
  return p;
};

let otlpRequests = 0;
let otlpBytes = 0;
const sink = createServer((req, res) => {
  req.on('data', (d) => (otlpBytes += d.length));
  req.on('end', () => {
    otlpRequests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
const sinkPort = await listen(sink);
const promPort = await free();
const healthPort = await free();

const dir = mkdtempSync(join(tmpdir(), 'dw-bench-pipeline-'));
const live = join(dir, 'access.log');
writeFileSync(live, '');
const cfg = join(dir, 'driftwatch.yaml');
writeFileSync(
  cfg,
  JSON.stringify({
    receivers: {
      'access_log/gateway': {
        include: [live],
        format: 'nginx',
        log_format: TEXT_FORMAT,
        start_at: 'beginning',
        poll_interval: '20ms',
        max_inflight_batches: INFLIGHT,
      },
    },
    processors: { validate: {}, classify: {}, redact: {}, batch: {} },
    exporters: {
      otlp_http: { endpoint: `http://127.0.0.1:${sinkPort}` },
      prometheus: { endpoint: `127.0.0.1:${promPort}` },
    },
    extensions: { health_check: { endpoint: `127.0.0.1:${healthPort}` } },
    service: {
      extensions: ['health_check'],
      pipelines: {
        gateway: {
          receivers: ['access_log/gateway'],
          processors: ['validate', 'classify', 'redact', 'batch'],
          exporters: ['otlp_http', 'prometheus'],
        },
      },
    },
  }),
);

const child = spawn(process.execPath, [...(process.env.BENCH_PIPELINE_NODE_ARGS ?? '').split(' ').filter(Boolean), join(root, 'bin', 'driftwatch.js'), 'run', '--config', cfg, '--data-dir', join(dir, 'data')], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, DRIFTWATCH_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
});
const cpuSeconds = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (USER_HZ = 100)
};
const rssMiB = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const linesRead = async () => {
  const t = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then((r) => r.text(), () => '');
  let n = 0;
  for (const m of t.matchAll(/^driftwatch_access_log_lines_total\{[^}]*\} (\S+)$/gm)) n += Number(m[1]);
  return n;
};
const acknowledged = async () => {
  const t = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then((r) => r.text(), () => '');
  let n = 0;
  for (const m of t.matchAll(/^driftwatch_receiver_accepted_records_total\{[^}]*\} (\S+)$/gm)) n += Number(m[1]);
  return n;
};

try {
  const up = Date.now() + 30_000;
  while ((await fetch(`http://127.0.0.1:${healthPort}/healthz`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > up) throw new Error('the agent did not become healthy');
    await sleep(100);
  }
  await sleep(500);
  const cpu0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  const fd = openSync(src, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let pos = 0; ; ) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n <= 0) break;
    appendFileSync(live, buf.subarray(0, n));
    pos += n;
  }
  closeSync(fd);
  // done when every line is read and every record acknowledged (pipeline drained)
  let read = 0;
  let acked = 0;
  const until = Date.now() + 600_000;
  for (;;) {
    read = await linesRead();
    acked = await acknowledged();
    if (read >= LINES && acked >= read) break;
    if (Date.now() > until) throw new Error(`timed out: ${read} lines read, ${acked} acknowledged`);
    await sleep(100);
  }
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - cpu0;
  console.log(`node ${process.version}, ${new Date().toISOString()}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(
    `full pipeline (access_log → validate, classify, redact, batch → otlp_http + prometheus), ${LINES.toLocaleString('en-US')} lines, ${INFLIGHT} batches in flight: ` +
      `${Math.round(LINES / sec).toLocaleString('en-US')} lines/s, ${cpu.toFixed(2)} CPU s, ` +
      `${Math.round(LINES / cpu).toLocaleString('en-US')} lines per CPU-second, peak RSS ${rssMiB().toFixed(0)} MiB, ` +
      `${otlpRequests} OTLP requests (${(otlpBytes / 1048576).toFixed(1)} MiB)`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  sink.close();
  rmSync(dir, { recursive: true, force: true });
}
