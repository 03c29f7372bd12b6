// SPDX-License-Identifier: Apache-2.0
/* global process, console, setTimeout, fetch, AbortController */
// The proxy receiver against direct calls, side by side in one run (issue 19, point 5). Three
// processes: a loopback upstream that answers at once (pinned to core 0, with this load
// generator), and the real agent (`driftwatch run`: proxy → validate → classify → redact →
// prometheus) pinned to core 1, so "through one core" is what it says. Prints:
//   - added latency at 100 concurrent non-stream calls (p50 / p99, proxy minus direct), and 1 at a time
//   - the same with 100 calls in flight: 2,000 calls/s at random against an upstream thinking 50 ms
//   - added time to first byte of a stream, p99 (50 concurrent streams)
//   - calls/s through the proxy on one core with every call judged (autocannon, 100 connections)
//   - RSS of the agent holding 1,000 concurrent slow streams
//   - last, each figure against its goal: met, NOT met, or unsure when the machine's own noise
//     (how far the direct path's p50 / p99 moved between two rounds; half the spread of the
//     calls/s rounds) is wider than the figure's distance to its goal
// The machine may be shared: os.loadavg() is printed with every figure.
// Run: npm run bench -- proxy   (or, after npm run build: node bench/proxy.mjs)
// A/B: PROXY_BENCH_BASELINE=/path/to/other/checkout (built) adds its agent as `[baseline]`;
// PROXY_BENCH_FORWARD_ONLY=1 adds this agent with no judged path as `[forward only]`;
// PROXY_BENCH_OWN_THREAD=1 adds it with `forward_thread: true` as `[own thread]` (and
// PROXY_BENCH_BASELINE_OWN_THREAD=1 the baseline so as `[baseline, own thread]`);
// PROXY_BENCH_AGENT_CORES=0,1 lets the agent(s) use both cores;
// PROXY_BENCH_ENV_B='NAME=value;…' adds it with those environment variables as `[env B]`.
// PROXY_BENCH_REFERENCE=nginx,haproxy adds those C reverse proxies (Debian's), forwarding only,
// on the agent's core(s): what any proxy adds on this machine, the floor under the goals;
// `node-pipe` adds a TCP pass-through in Node (_proxy-pipe.mjs): what Node costs to move the bytes;
// `node-raw` a forwarder framing HTTP/1.1 by hand on both sides (_proxy-raw.mjs): what node:http's
// server costs the agent; `node-http` node:http's server with the agent's own client and the least
// handler (_proxy-http.mjs): what the agent's forwarding code costs beyond those two.
import { spawn, spawnSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ASK, ASK_STREAM } from './_proxy-bodies.mjs';
import { Agent } from 'undici';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const SECONDS = Number(process.env.PROXY_BENCH_SECONDS ?? 8);
const load = () =>
  `loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
// PROXY_BENCH_AGENT_CORES=0,1: the agent may use both cores (its forwarding thread and its judging
// then run side by side, sharing core 0 with the load generator); default: core 1 alone.
const AGENT_CORES = process.env.PROXY_BENCH_AGENT_CORES ?? '1';
const pin = (core, cmd, args) => (hasTaskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);
if (hasTaskset) spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The goals of issue 19, point 5, and each agent's figures against them (printed at the end).
// `noise`: how far a figure moves on this machine by itself (the direct path's p50 / p99 between
// two rounds of a phase; half the spread of the calls/s rounds); a figure closer to its goal
// than that is neither met nor missed here, only unsure.
const goals = new Map(); // agent name -> [{ figure, value, unit, goal, atMost, noise }]
function against(agentName, figure, value, unit, goal, atMost = true, noise = 0) {
  if (!goals.has(agentName)) goals.set(agentName, []);
  goals.get(agentName).push({ figure, value, unit, goal, atMost, noise });
}
function verdict({ value, goal, atMost, noise }) {
  // a proxy cannot make a call faster: a negative "added" is the noise itself, wider than its estimate
  if (value < 0) return 'unsure ';
  const margin = atMost ? goal - value : value - goal;
  return margin >= noise ? 'met    ' : margin < -noise ? 'NOT met' : 'unsure ';
}
/** Added latency (`compare`'s p50 and p99) against the goals: non-stream p50 ≤ 0.2, p99 ≤ 1 ms; streams' TTFB p99 ≤ 1 ms. */
function latencyGoals(agentName, { added, noise }, stream, how) {
  if (stream)
    return against(
      agentName,
      `added stream time to first byte p99, ${how}`,
      added[99],
      'ms',
      1,
      true,
      noise[99],
    );
  against(agentName, `added p50 of non-stream calls, ${how}`, added[50], 'ms', 0.2, true, noise[50]);
  against(agentName, `added p99 of non-stream calls, ${how}`, added[99], 'ms', 1, true, noise[99]);
}
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (x) => `${x.toFixed(3)} ms`;

// --- the upstream ----------------------------------------------------------------------------
const [ucmd, uargs] = pin(0, process.execPath, [join(here, '_proxy-upstream.mjs')]);
const upstream = spawn(ucmd, uargs, { stdio: ['ignore', 'pipe', 'inherit'] });
const upPort = await new Promise((resolve) =>
  upstream.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
);

// --- the agent(s) ---------------------------------------------------------------------------
// PROXY_BENCH_BASELINE=<another checkout, built>: its agent runs beside this one, same config,
// same pinned core, and every phase after the RSS one measures both (A/B in one run).
// PROXY_BENCH_CPU_PROF=<dir>: this checkout's agent writes a V8 CPU profile there on exit.
const prof = process.env.PROXY_BENCH_CPU_PROF;
const dirs = [];
const procs = [];
const cleanup = () => {
  for (const p of procs) p.kill('SIGKILL');
  upstream.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
};
process.on('exit', cleanup);

async function startAgent(name, checkout, cpuProf, receiverExtra = '', extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-proxy-'));
  dirs.push(dir);
  const [proxyPort, healthPort, promPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'agent.yaml'),
    `
receivers:
  proxy/bench:
    endpoint: 127.0.0.1:${proxyPort}
    upstream: http://127.0.0.1:${upPort}
    provider: bench
${receiverExtra}processors:
  validate:
    contract: ${join(root, 'config/contracts/openai-chat-completions.yaml')}
  classify: {}
  redact: {}
exporters:
  prometheus:
    endpoint: 127.0.0.1:${promPort}
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [proxy/bench]
      processors: [validate, classify, redact]
      exporters: [prometheus]
`,
  );
  const [acmd, aargs] = pin(AGENT_CORES, process.execPath, [
    ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : []),
    join(checkout, 'bin/driftwatch.js'),
    'run',
    '--config',
    join(dir, 'agent.yaml'),
    '--data-dir',
    join(dir, 'data'),
  ]);
  const proc = spawn(acmd, aargs, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DRIFTWATCH_LOG_LEVEL: 'warn', ...extraEnv },
  });
  procs.push(proc);
  await waitUntilAnswers(`http://127.0.0.1:${healthPort}/healthz`, `the agent ${name}`);
  return {
    name,
    proc,
    base: `http://127.0.0.1:${proxyPort}`,
    ...procFigures(proc),
    selfMetric: async (metric, receiver = 'proxy/bench') => {
      const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n'))
        if (line.startsWith(`${metric}{`) && line.includes(`receiver="${receiver}"`))
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      return sum;
    },
  };
}

/**
 * A reference reverse proxy in C (nginx or haproxy from Debian), one process on the agent's
 * core(s), keep-alive to the upstream, no buffering of answers: forwarding only, nothing judged
 * (or `node-pipe`, a TCP pass-through in Node with no HTTP at all; `node-raw`, HTTP/1.1 framed by
 * hand on both sides; `node-http`, node:http's server with the agent's client, the least handler).
 * It has no `selfMetric`; the calls/s phase counts its calls from the load generator.
 */
async function startReference(kind) {
  const dir = mkdtempSync(join(tmpdir(), `dw-bench-${kind}-`));
  dirs.push(dir);
  const port = await freePort();
  const conf = join(dir, `${kind}.conf`);
  const up = `127.0.0.1:${upPort}`;
  let cmd;
  let args;
  if (kind === 'nginx') {
    writeFileSync(
      conf,
      `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log stderr warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream up { server ${up}; keepalive 1024; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${port} reuseport;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 60s;
    }
  }
}
`,
    );
    [cmd, args] = ['nginx', ['-e', 'stderr', '-p', dir, '-c', conf]];
  } else if (kind === 'haproxy') {
    writeFileSync(
      conf,
      `global
  nbthread 1
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend in
  bind 127.0.0.1:${port}
  default_backend up
backend up
  server up ${up}
`,
    );
    [cmd, args] = ['haproxy', ['-db', '-f', conf]];
  } else if (kind === 'node-pipe') {
    // no HTTP at all: what Node itself costs to move the bytes (see the file)
    [cmd, args] = [process.execPath, [join(here, '_proxy-pipe.mjs'), String(port), String(upPort)]];
  } else if (kind === 'node-raw') {
    // HTTP/1.1 framed by hand on both sides of node:net: what node:http's server costs (see the file)
    [cmd, args] = [process.execPath, [join(here, '_proxy-raw.mjs'), String(port), String(upPort)]];
  } else if (kind === 'node-http') {
    // node:http's server + the agent's own client, the least handler: what the agent's code adds
    [cmd, args] = [process.execPath, [join(here, '_proxy-http.mjs'), String(port), String(upPort)]];
  } else
    throw new Error(`PROXY_BENCH_REFERENCE: ${kind} is not nginx, haproxy, node-pipe, node-raw or node-http`);
  if (!kind.startsWith('node-') && spawnSync(cmd, ['-v']).error)
    throw new Error(`PROXY_BENCH_REFERENCE=${kind}: ${cmd} is not installed`);
  const [pcmd, pargs] = pin(AGENT_CORES, cmd, args);
  const proc = spawn(pcmd, pargs, { stdio: ['ignore', 'ignore', 'inherit'] });
  procs.push(proc);
  await waitUntilAnswers(`http://127.0.0.1:${port}/v1/models`, kind);
  return { name: `${kind}, reference`, proc, base: `http://127.0.0.1:${port}`, ...procFigures(proc) };
}

/** Polls `url` every 100 ms until it answers 200 (30 s at most). */
async function waitUntilAnswers(url, what) {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    if (i > 300) throw new Error(`${what} did not start`);
    await sleep(100);
  }
}

/** RSS and CPU seconds of a process, read from /proc. */
function procFigures(proc) {
  return {
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    cpuSeconds: () => {
      const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
    },
  };
}

const agent = await startAgent('proxy', root, prof);
const baselineRoot = process.env.PROXY_BENCH_BASELINE;
const agents = [agent];
if (baselineRoot) agents.push(await startAgent('baseline', baselineRoot));
// PROXY_BENCH_BASELINE_OWN_THREAD=1: the baseline's agent also forwarding on a thread of its own,
// as `[baseline, own thread]` (to compare two builds' forward_thread beside PROXY_BENCH_OWN_THREAD)
if (baselineRoot && process.env.PROXY_BENCH_BASELINE_OWN_THREAD === '1')
  agents.push(await startAgent('baseline, own thread', baselineRoot, undefined, '    forward_thread: true\n'));
// PROXY_BENCH_FORWARD_ONLY=1: the same agent with no judged path, so every call is only forwarded
// (counted, not described or judged): what the forwarding costs apart from the judging
if (process.env.PROXY_BENCH_FORWARD_ONLY === '1')
  agents.push(await startAgent('forward only', root, undefined, '    judge_paths: [/not-judged]\n'));
// PROXY_BENCH_OWN_THREAD=1: the same agent forwarding on a thread of its own
if (process.env.PROXY_BENCH_OWN_THREAD === '1')
  agents.push(await startAgent('own thread', root, undefined, '    forward_thread: true\n'));
// PROXY_BENCH_ENV_B='NAME=value;NAME2=value': the same agent with those variables added, as
// `[env B]` (say NODE_OPTIONS=--max-semi-space-size=4, the image's young generation)
if (process.env.PROXY_BENCH_ENV_B) {
  const env = Object.fromEntries(
    process.env.PROXY_BENCH_ENV_B.split(';')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1)]),
  );
  agents.push(await startAgent('env B', root, undefined, '', env));
}
for (const ref of (process.env.PROXY_BENCH_REFERENCE ?? '').split(',').filter(Boolean))
  agents.push(await startReference(ref));
const rssStart = Object.fromEntries(agents.map((a) => [a.name, a.rssMiB()]));
const direct = `http://127.0.0.1:${upPort}`;
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-0000000000000000' };
const ask = ASK;
const askStream = ASK_STREAM;

/** One call, timed into `out` (`total`; `ttfb`, the first body byte; `errors`). */
async function timedCall(client, origin, path, body, out) {
  const t = performance.now();
  try {
    const res = await client.request({ origin, path, method: 'POST', headers, body });
    let first = true;
    for await (const chunk of res.body) {
      if (first && chunk.length > 0) out.ttfb.push(performance.now() - t);
      first = false;
    }
    if (res.statusCode !== 200) out.errors++;
    out.total.push(performance.now() - t);
  } catch {
    out.errors++;
  }
}

const sorted = (out) => ({
  total: out.total.sort((a, b) => a - b),
  ttfb: out.ttfb.sort((a, b) => a - b),
  errors: out.errors,
});

/** `concurrency` workers calling `origin`: each sends its next call when the last one ended. */
async function loop(origin, body, concurrency, seconds, path = '/v1/chat/completions') {
  const client = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const out = { total: [], ttfb: [], errors: 0 };
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) await timedCall(client, origin, path, body, out);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await client.close();
  return sorted(out);
}

/** Calls arriving at random (Poisson) at `rate` per second for `seconds`, whatever the answers do. */
async function openLoop(origin, body, rate, seconds, path) {
  const client = new Agent({ connections: 1000, pipelining: 1, keepAliveTimeout: 60_000 });
  const out = { total: [], ttfb: [], errors: 0 };
  const calls = [];
  const end = performance.now() + seconds * 1000;
  let next = performance.now();
  while (next < end) {
    // a 1 ms tick sends every call whose arrival time has come (about two per tick)
    while (next <= performance.now()) {
      calls.push(timedCall(client, origin, path, body, out));
      next += (-Math.log(1 - Math.random()) * 1000) / rate;
    }
    await sleep(1);
  }
  await Promise.all(calls);
  await client.close();
  return sorted(out);
}

/**
 * `measure(origin)` against the direct upstream and each agent, two interleaved rounds so the
 * machine's load hits all alike; prints `key` of each agent against direct. Returns, per agent,
 * the added p50 and p99 and how far the direct path's own p50 and p99 moved between the rounds.
 */
async function sideBySide(label, key, measure) {
  const d = { total: [], ttfb: [], errors: 0 };
  const ps = agents.map(() => ({ total: [], ttfb: [], errors: 0, cpu: 0, wall: 0 }));
  const directRounds = [];
  for (let r = 0; r < 2; r++)
    for (const [acc, origin, a] of [[d, direct], ...agents.map((a, i) => [ps[i], a.base, a])]) {
      const [cpu0, t0] = [a?.cpuSeconds(), performance.now()];
      const x = await measure(origin);
      if (a) {
        // how busy the agent was: near 100 % of its core the added latency is a queue
        acc.cpu += a.cpuSeconds() - cpu0;
        acc.wall += (performance.now() - t0) / 1000;
      }
      if (!a) directRounds.push(x[key]);
      acc[key].push(...x[key]);
      acc.errors += x.errors;
    }
  const noise = {};
  for (const q of [50, 99]) noise[q] = Math.abs(pct(directRounds[0], q) - pct(directRounds[1], q));
  return agents.map((a, i) => ({
    noise,
    added: compare(
      `${label}${tag(a)}`,
      sorted(d),
      sorted(ps[i]),
      key,
      `agent CPU ${((100 * ps[i].cpu) / ps[i].wall).toFixed(0)}% of one core; direct p50/p99 moved ${ms(noise[50])}/${ms(noise[99])} between rounds`,
    ),
  }));
}

/** Prints `key` of `p` against `d` (and `note`); returns the added p50 and p99 (ms). */
function compare(label, d, p, key, note) {
  const added = {};
  const rows = [50, 99].map((q) => {
    const a = pct(d[key], q);
    const b = pct(p[key], q);
    added[q] = b - a;
    return `p${q} direct ${ms(a)}, proxy ${ms(b)}, added ${ms(b - a)}`;
  });
  console.log(
    `${label}: ${rows.join('; ')}  (n=${d[key].length}/${p[key].length}, errors ${d.errors}/${p.errors}; ${note ? `${note}; ` : ''}${load()})`,
  );
  return added;
}

// Phase 4 runs PROXY_BENCH_ROUNDS times (3), the agents' order alternating: single rounds move a
// lot (on a fresh agent 4,144, 5,836, 7,347 judged calls per CPU-second; this VM moves rounds by
// up to 2x), so the median of the rounds is the figure.
// PROXY_BENCH_ONLY=streams | latency | inflight | throughput: those phases alone (1; 2, 2b and 3; 2c; 4),
// several with commas (streams,inflight).
const only = process.env.PROXY_BENCH_ONLY;
const tag = (a) => (agents.length > 1 ? ` [${a.name}]` : '');
const ROUNDS = Number(process.env.PROXY_BENCH_ROUNDS ?? 3);
const phase = (name) => only === undefined || only.split(',').includes(name);
if (phase('streams')) {
  // 1. 1,000 concurrent slow streams (a chunk every 500 ms for 20 s), first: on a fresh agent
  //    (every agent, so the A/B agents share the same history for the phases after)
  for (const a of agents) {
    const slow = new Agent({ connections: 1000, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 });
    let open = 0;
    const ctl = new AbortController();
    setMaxListeners(2000, ctl.signal);
    const streams = Array.from({ length: 1000 }, async () => {
      try {
        const res = await slow.request({
          origin: a.base,
          path: '/v1/chat/completions?slow=1',
          method: 'POST',
          headers,
          body: askStream,
          signal: ctl.signal,
        });
        open++;
        await res.body.dump({ limit: Infinity });
      } catch {
        // aborted at the end of the measurement
      }
    });
    const until = Date.now() + 20_000;
    while (open < 1000 && Date.now() < until) await sleep(100);
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      peak = Math.max(peak, a.rssMiB());
      await sleep(500);
    }
    console.log(
      `1,000 slow streams${tag(a)}: ${open} open at once; agent RSS ${rssStart[a.name].toFixed(1)} MiB at start → ${peak.toFixed(1)} MiB peak (${load()})`,
    );
    if (open === 1000) against(a.name, 'RSS holding 1,000 concurrent slow streams', peak, 'MiB', 150);
    ctl.abort();
    await Promise.allSettled(streams);
    await slow.destroy();
  }
}
if (phase('latency')) {
  // 2. non-stream latency at 100 concurrent, interleaved rounds so the machine's load hits all alike
  await loop(direct, ask, 100, 1);
  for (const a of agents) await loop(a.base, ask, 100, 1);
  const saturated = await sideBySide(
    'non-stream latency, 100 concurrent, upstream answering at once',
    'total',
    (origin) => loop(origin, ask, 100, SECONDS / 2),
  );
  agents.forEach((a, i) =>
    latencyGoals(a.name, saturated[i], false, '100 concurrent (upstream answering at once)'),
  );

  // 2b. the same one call at a time: what the proxy adds to a call when nothing queues
  const d1s = await loop(direct, ask, 1, SECONDS / 2);
  for (const a of agents)
    compare(
      `non-stream latency, 1 at a time${tag(a)}`,
      d1s,
      await loop(a.base, ask, 1, SECONDS / 2),
      'total',
    );
}
if (phase('inflight')) {
  // 2c. 100 calls in flight on average: 2,000 calls/s arriving at random (Poisson) against an
  //     upstream that thinks 50 ms before it answers, as a model does. Below what one core
  //     carries, so this is the proxy's own cost per call, not the queue of a saturated core
  //     (phase 2); random arrivals, because a closed loop of 100 workers against a fixed think
  //     time moves in waves (100 answers at once) that no real traffic has.
  const THINK = '/v1/chat/completions?think=50';
  for (const [label, body, key] of [
    ['non-stream latency, 100 in flight (2,000 calls/s, upstream thinking 50 ms)', ask, 'total'],
    ['stream time to first byte, 100 in flight (2,000 calls/s, upstream thinking 50 ms)', askStream, 'ttfb'],
  ]) {
    // warm-up first: on a fresh agent the first 4 s of streams at this rate read p50 +125 ms,
    // the next ones +1 to +2 ms (and the direct path's first p99 was 761 ms, warm ~66 ms)
    for (const origin of [direct, ...agents.map((a) => a.base)]) await openLoop(origin, body, 2000, 3, THINK);
    const added = await sideBySide(label, key, (origin) => openLoop(origin, body, 2000, SECONDS / 2, THINK));
    agents.forEach((a, i) => latencyGoals(a.name, added[i], key === 'ttfb', '100 in flight (2,000 calls/s)'));
  }
}
if (phase('latency')) {
  // 3. stream time to first byte, 50 concurrent
  const streams = await sideBySide(
    'stream time to first byte, 50 concurrent, upstream answering at once',
    'ttfb',
    (origin) => loop(origin, askStream, 50, SECONDS / 4),
  );
  agents.forEach((a, i) =>
    latencyGoals(a.name, streams[i], true, '50 concurrent (upstream answering at once)'),
  );
}

if (phase('throughput')) {
  // 4. calls/s through the agent's core (one; two with PROXY_BENCH_AGENT_CORES=0,1), every call
  //    judged; "% of one core" may then pass 100
  const ac = (url, body) =>
    autocannon({
      url: `${url}/v1/chat/completions`,
      method: 'POST',
      headers,
      body,
      connections: 100,
      duration: SECONDS * 2,
    });
  const rd = await ac(direct, ask);
  console.log(`direct: ${rd.requests.average.toFixed(0)} calls/s (autocannon, 100 connections; ${load()})`);
  const rounds = new Map(agents.map((a) => [a, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const a of round % 2 ? [...agents].reverse() : agents) {
      // a reference proxy has no self-metrics: its calls are the load generator's answers
      const own = a.selfMetric !== undefined;
      const calls0 = own ? await a.selfMetric('driftwatch_proxy_calls_total') : 0;
      const accepted0 = own ? await a.selfMetric('driftwatch_receiver_accepted_records_total') : 0;
      const cpu0 = a.cpuSeconds();
      const rp = await ac(a.base, ask);
      const cpu1 = a.cpuSeconds();
      await sleep(1000); // the last batches reach the pipeline
      const calls = own ? (await a.selfMetric('driftwatch_proxy_calls_total')) - calls0 : rp.requests.total;
      const judged = own ? (await a.selfMetric('driftwatch_receiver_accepted_records_total')) - accepted0 : 0;
      const counted = own
        ? `${calls} calls counted, ${judged} records judged, ${await a.selfMetric('driftwatch_proxy_records_dropped_total')} dropped`
        : `${calls} calls answered (autocannon's count; nothing judged)`;
      console.log(
        `proxy${tag(a)}:  ${rp.requests.average.toFixed(0)} calls/s (non-2xx ${rp.non2xx}, errors ${rp.errors}); agent CPU ${((100 * (cpu1 - cpu0)) / rp.duration).toFixed(0)}% of one core; ` +
          `${counted} (${load()})`,
      );
      // On a shared machine the pinned core is shared too: CPU time per call says what one whole core would carry.
      console.log(
        `proxy CPU cost${tag(a)}: ${(calls / (cpu1 - cpu0)).toFixed(0)} ${judged > 0 ? 'judged' : 'forwarded (none judged)'} calls per CPU-second of the agent`,
      );
      rounds.get(a).push({ rate: rp.requests.average, perCpu: calls / (cpu1 - cpu0), judged: judged > 0 });
    }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
  for (const [a, rs] of rounds)
    console.log(
      `proxy, median of ${rs.length} rounds${tag(a)}: ${median(rs.map((r) => r.rate)).toFixed(0)} calls/s, ` +
        `${median(rs.map((r) => r.perCpu)).toFixed(0)} per CPU-second (rounds: ${rs.map((r) => r.perCpu.toFixed(0)).join(', ')})`,
    );
  for (const [a, rs] of rounds)
    if (rs.every((r) => r.judged))
      against(
        a.name,
        'judged calls per CPU-second, median of the rounds',
        median(rs.map((r) => r.perCpu)),
        'calls',
        5000,
        false,
        // the rounds' spread: this VM moves single rounds by up to 2x
        (Math.max(...rs.map((r) => r.perCpu)) - Math.min(...rs.map((r) => r.perCpu))) / 2,
      );
}

console.log(
  `(agent pinned: ${hasTaskset ? `yes, core ${AGENT_CORES}` : 'no, taskset missing'}; ${SECONDS}s per latency phase)`,
);
for (const [name, rows] of goals) {
  console.log(`goals of issue 19, point 5${agents.length > 1 ? ` [${name}]` : ''}:`);
  for (const g of rows) {
    const value = g.unit === 'ms' ? ms(g.value) : `${g.value.toFixed(g.unit === 'MiB' ? 1 : 0)} ${g.unit}`;
    const goal = `${g.atMost ? '≤' : '≥'} ${g.goal.toLocaleString('en-US')} ${g.unit}`;
    const noise = g.noise
      ? `; noise ±${g.unit === 'ms' ? ms(g.noise) : `${g.noise.toFixed(0)} ${g.unit}`}`
      : '';
    console.log(`  ${verdict(g)}  ${g.figure}: ${value} (goal ${goal}${noise})`);
  }
}
if (prof) {
  // a clean stop writes the profile; SIGKILL (the cleanup) would lose it
  agent.proc.kill('SIGTERM');
  await new Promise((r) => agent.proc.once('exit', r));
  console.log(`agent CPU profile written to ${prof}`);
}
process.exit(0);
