// SPDX-License-Identifier: Apache-2.0
/* global process, console, setTimeout, fetch, performance, AbortSignal */
// Shared by the daemon benchmarks: runs `driftwatch run` as deployed (the node flags of the
// Dockerfile's NODE_OPTIONS, the built CLI, a pipeline file) with bench/_stats-preload.mjs
// loaded, a loopback OTLP/HTTP sink that answers 200 at once, free loopback ports, /metrics
// scraping, and the machine facts every figure is printed with.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The node flags the container and the systemd unit ship (NODE_OPTIONS in the Dockerfile). */
export function deployedNodeFlags() {
  if (process.env.BENCH_NODE_OPTIONS !== undefined) return process.env.BENCH_NODE_OPTIONS.split(/\s+/).filter(Boolean);
  const m = /NODE_OPTIONS=(\S+)/.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  return m ? m[1].replace(/\\$/, '').split(',').filter(Boolean) : [];
}

export function machine() {
  const la = loadavg().map((x) => x.toFixed(2)).join(' ');
  return `node ${process.version}, ${cpus()[0]?.model ?? '?'} × ${cpus().length}, load average ${la}`;
}

export const load1 = () => loadavg()[0].toFixed(2);

export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** An OTLP/HTTP sink on loopback: 200 with an empty (valid) protobuf response, counted. */
export async function startOtlpSink() {
  const stats = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (c) => (stats.bytes += c.length));
    req.on('end', () => {
      stats.requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Starts the daemon; `stats()` reads the preload's JSON lines, `window()` closes one. */
export function startDaemon(config, { env = {}, label = 'daemon' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `dw-bench-${label}-`));
  const cfgFile = join(dir, 'pipeline.yaml');
  const statsFile = join(dir, 'stats.jsonl');
  const logFile = join(dir, 'daemon.log');
  writeFileSync(cfgFile, config);
  writeFileSync(statsFile, '');
  const flags = deployedNodeFlags();
  const args = [...flags, '--import', join(root, 'bench', '_stats-preload.mjs'), join(root, 'bin', 'driftwatch.js'), 'run', '--config', cfgFile];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, DRIFTWATCH_DATA_DIR: join(dir, 'data'), DW_BENCH_STATS: statsFile, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    if (stderr.length < 1_000_000) stderr += c;
  });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const lines = () =>
    readFileSync(statsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return {
    pid: child.pid,
    flags,
    dir,
    exited,
    stderr: () => stderr,
    /** Ends the current measuring window inside the daemon and returns its figures. */
    async window() {
      const n = lines().length;
      child.kill('SIGUSR2');
      const until = Date.now() + 10_000;
      while (lines().length <= n && Date.now() < until) await sleep(20);
      return lines()[n];
    },
    async stop() {
      child.kill('SIGTERM');
      const e = await Promise.race([exited, sleep(30_000).then(() => undefined)]);
      if (!e) child.kill('SIGKILL');
      const all = lines();
      writeFileSync(logFile, stderr);
      return { exit: e, last: all[all.length - 1] };
    },
    cleanup() {
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
      else console.log(`kept ${dir}`);
    },
  };
}

/** CPU seconds (user + system) of a process, from /proc (Linux). */
export function procCpuS(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(parts[11]) + Number(parts[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** Resident and peak resident MiB of a process, from /proc (Linux). */
export function procRss(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Sum of a Prometheus counter's samples whose labels include `match`. */
export async function scrape(url, name, match = {}) {
  let text;
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    text = await r.text();
  } catch {
    return undefined;
  }
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = m[2] ?? '';
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Time of one GET (ms), or undefined when it failed. */
export async function timedGet(url) {
  const t = performance.now();
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer();
    return performance.now() - t;
  } catch {
    return undefined;
  }
}

export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
export const ok = (met) => (met ? 'met' : 'MISSED');

