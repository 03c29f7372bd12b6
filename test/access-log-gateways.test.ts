// SPDX-License-Identifier: Apache-2.0
// Real gateways, real logs: Debian's nginx, Caddy and HAProxy proxy to a small loopback upstream
// (plus a dead member each pool must skip), Apache serves a file; each writes its access log in
// its own format. The agent (`driftwatch run`, three access_log receivers and a Prometheus
// exporter) tails nginx, Caddy and HAProxy at once and must count exactly the requests each
// gateway got, under its own `gateway` label; then `replay` reads every capture with its preset
// and must give the statuses and latencies the gateways logged.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLogReceiverFactory } from '../src/receivers/access-log/index.js';
import type { AccessLogConfig } from '../src/receivers/access-log/config.js';
import { replayFiles } from '../src/receivers/access-log/replay-files.js';
import { freePort } from '../src/testing/backends.js';
import { requireTool } from '../src/testing/system-tool.js';
import { startAccessLogAgent, stopAgent } from './helpers/access-log-agent.js';
import type { AccessLogAgent } from './helpers/access-log-agent.js';

const NGINX_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_addr $upstream_status $upstream_response_time';

function send(port: number, path: string, failWith?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...(failWith ? { 'x-fail': String(failWith) } : {}) },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function run(cmd: string, args: string[], cwd: string): ChildProcess {
  const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  p.on('exit', (code) => {
    if (code && code !== 0) process.stderr.write(`${cmd} exited ${code}: ${err}\n`);
  });
  return p;
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lineCount = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

/** Sum of a Prometheus counter's samples whose labels include all of `want`. */
function promSum(text: string, metric: string, want: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const labels = line.slice(metric.length + 1, line.lastIndexOf('}'));
    if (Object.entries(want).every(([k, v]) => labels.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('real nginx, Caddy, HAProxy and Apache logs: live count per gateway, presets on real captures', function () {
  this.timeout(180_000);
  let dir: string;
  let upstream: Server;
  const procs: ChildProcess[] = [];
  let agent: AccessLogAgent | undefined;
  const tools: Record<string, string> = {};
  const ports: Record<string, number> = {};
  const logs: Record<string, string> = {};
  // What each gateway gets: ok calls, 429s and 500s from the upstream.
  const OK = 24;
  const LIMITED = 4;
  const FAILED = 2;
  const TOTAL = OK + LIMITED + FAILED;

  before(async function () {
    tools.nginx = requireTool(this, 'nginx', ['/usr/sbin/nginx'], 'see .ci/install.d/40-nginx.sh');
    tools.caddy = requireTool(this, 'caddy', ['/usr/bin/caddy'], 'see .ci/install.d/40-caddy.sh');
    tools.haproxy = requireTool(this, 'haproxy', ['/usr/sbin/haproxy'], 'see .ci/install.d/40-haproxy.sh');
    tools.apache = requireTool(this, 'apache2', ['/usr/sbin/apache2'], 'see .ci/install.d/40-apache2.sh');
    dir = mkdtempSync(join(tmpdir(), 'dw-gateways-'));
    for (const k of ['upstream', 'dead', 'nginx', 'caddy', 'haproxy', 'apache', 'prom', 'caddyAdmin'])
      ports[k] = await freePort();
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const fail = Number(req.headers['x-fail'] ?? 0);
        // a little latency so the logged durations are not all zero
        setTimeout(() => {
          res.writeHead(fail || 200, { 'content-type': 'application/json', 'openai-model': 'gpt-4o-mini' });
          res.end(JSON.stringify(fail ? { error: { message: 'x' } } : { id: 'c', choices: [] }));
        }, 15);
      });
    });
    await new Promise<void>((r) => upstream.listen(ports.upstream, '127.0.0.1', () => r()));
    for (const g of ['nginx', 'caddy', 'haproxy', 'apache']) logs[g] = join(dir, `${g}.log`);

    mkdirSync(join(dir, 'nginx-tmp'));
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx-error.log;\nevents { worker_connections 64; }\nhttp {\n  client_body_temp_path ${dir}/nginx-tmp;\n  proxy_temp_path ${dir}/nginx-tmp;\n  fastcgi_temp_path ${dir}/nginx-tmp;\n  uwsgi_temp_path ${dir}/nginx-tmp;\n  scgi_temp_path ${dir}/nginx-tmp;\n  log_format llm '${NGINX_FORMAT}';\n  access_log ${logs.nginx} llm;\n  upstream pool { server 127.0.0.1:${ports.dead} max_fails=0; server 127.0.0.1:${ports.upstream} max_fails=0; }\n  server {\n    listen 127.0.0.1:${ports.nginx};\n    location / { proxy_pass http://pool; proxy_next_upstream error timeout; }\n  }\n}\n`,
    );
    procs.push(run(tools.nginx, ['-p', dir, '-c', join(dir, 'nginx.conf')], dir));

    writeFileSync(
      join(dir, 'Caddyfile'),
      `{\n  admin 127.0.0.1:${ports.caddyAdmin}\n  storage file_system ${dir}/caddy-data\n}\nhttp://127.0.0.1:${ports.caddy} {\n  log {\n    output file ${logs.caddy}\n    format json\n  }\n  reverse_proxy 127.0.0.1:${ports.upstream}\n}\n`,
    );
    procs.push(run(tools.caddy, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], dir));

    // HAProxy logs to stdout in raw format (no syslog daemon needed); the dead server comes first
    // so round-robin sends half the requests there: retried, redispatched, answered by the live one.
    writeFileSync(
      join(dir, 'haproxy.cfg'),
      `global\n  log stdout format raw local0\ndefaults\n  mode http\n  log global\n  option httplog\n  timeout connect 200ms\n  timeout client 5s\n  timeout server 5s\n  retries 1\n  option redispatch 1\nfrontend fe\n  bind 127.0.0.1:${ports.haproxy}\n  default_backend be\nbackend be\n  balance roundrobin\n  server dead 127.0.0.1:${ports.dead}\n  server live 127.0.0.1:${ports.upstream}\n`,
    );
    const hap = spawn(tools.haproxy, ['-db', '-f', join(dir, 'haproxy.cfg')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const hapLog: Buffer[] = [];
    // appended as it comes: the agent tails this file like any log HAProxy's syslog would write
    hap.stdout!.on('data', (d: Buffer) => {
      hapLog.push(d);
      writeFileSync(logs.haproxy, d, { flag: 'a' });
    });
    procs.push(hap);

    mkdirSync(join(dir, 'www/v1/chat'), { recursive: true });
    writeFileSync(join(dir, 'www/v1/models'), '{"data":[]}');
    writeFileSync(
      join(dir, 'apache.conf'),
      `ServerRoot /usr/lib/apache2\nLoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule authz_core_module modules/mod_authz_core.so\nServerName localhost\nListen 127.0.0.1:${ports.apache}\nPidFile ${dir}/apache.pid\nErrorLog ${dir}/apache-error.log\nDocumentRoot ${dir}/www\nLogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" combined_D\nCustomLog ${logs.apache} combined_D\n<Directory ${dir}/www>\n  Require all granted\n</Directory>\n`,
    );
    procs.push(run(tools.apache, ['-X', '-f', join(dir, 'apache.conf')], dir));

    // wait for every listener
    for (const g of ['nginx', 'caddy', 'haproxy', 'apache'])
      await until(`${g} to listen`, async () => {
        try {
          await fetch(`http://127.0.0.1:${ports[g]}/`);
          return true;
        } catch {
          return false;
        }
      });
    // the probes above wrote one line each; start the logs afresh so counts are exact
    await until('probe lines', () =>
      ['nginx', 'caddy', 'haproxy', 'apache'].every((g) => lineCount(logs[g]) >= 1),
    );
    for (const g of ['nginx', 'caddy', 'haproxy', 'apache']) writeFileSync(logs[g], '');
  });

  after(async () => {
    if (agent) await stopAgent(agent);
    for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await new Promise<void>((r) => upstream?.close(() => r()) ?? r());
    if (dir && !process.env.DW_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('the agent tailing all three counts exactly the calls each gateway got, by gateway label', async () => {
    const config = join(dir, 'agent.yaml');
    const receiver = (g: string, format: string) =>
      `  access_log/${g}:\n    include: [${JSON.stringify(logs[g])}]\n    format: ${format}\n    start_at: beginning\n    poll_interval: 50ms\n` +
      (g === 'nginx' ? `    log_format: '${NGINX_FORMAT}'\n` : '');
    writeFileSync(
      config,
      `receivers:\n${receiver('nginx', 'nginx')}${receiver('caddy', 'caddy')}${receiver('haproxy', 'haproxy')}exporters:\n  prometheus:\n    endpoint: 127.0.0.1:${ports.prom}\nservice:\n  pipelines:\n    logs:\n      receivers: [access_log/nginx, access_log/caddy, access_log/haproxy]\n      exporters: [prometheus]\n`,
    );
    agent = startAccessLogAgent(config, join(dir, 'data'));
    for (const g of ['nginx', 'caddy', 'haproxy']) {
      const statuses: number[] = [];
      for (let i = 0; i < OK; i++) statuses.push(await send(ports[g], '/v1/chat/completions'));
      for (let i = 0; i < LIMITED; i++) statuses.push(await send(ports[g], '/v1/chat/completions', 429));
      for (let i = 0; i < FAILED; i++) statuses.push(await send(ports[g], '/v1/chat/completions', 500));
      expect(
        statuses.filter((s) => s === 200),
        `${g} answered`,
      ).to.have.length(OK);
    }
    for (let i = 0; i < 5; i++) await send(ports.apache, '/v1/models');
    const scrape = async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${ports.prom}/metrics`)).text();
      } catch (err) {
        throw new Error(
          `agent not serving metrics (${String(err)}); its stderr: ${agent!.stderr().slice(-2000)}`,
        );
      }
    };
    let text = '';
    await until(
      'every call counted',
      async () => {
        if (agent!.proc.exitCode !== null) throw new Error(`agent exited: ${agent!.stderr().slice(-2000)}`);
        text = await scrape().catch(() => '');
        return ['nginx', 'caddy', 'haproxy'].every(
          (g) => promSum(text, 'llm_gateway_requests_total', { gateway: g }) >= TOTAL,
        );
      },
      60_000,
    );
    // and no more after a quiet while (nothing counted twice)
    await new Promise((r) => setTimeout(r, 1000));
    text = await scrape();
    for (const g of ['nginx', 'caddy', 'haproxy']) {
      expect(promSum(text, 'llm_gateway_requests_total', { gateway: g }), g).to.equal(TOTAL);
      expect(promSum(text, 'llm_gateway_requests_total', { gateway: g, status_code: '200' }), g).to.equal(OK);
      expect(promSum(text, 'llm_gateway_requests_total', { gateway: g, status_code: '429' }), g).to.equal(
        LIMITED,
      );
    }
    // nginx hid the dead member behind final 200s: its attempts all failed
    const dead = `127.0.0.1:${ports.dead}`;
    expect(
      promSum(text, 'llm_gateway_upstream_attempts_total', {
        gateway: 'nginx',
        upstream: dead,
        outcome: 'ok',
      }),
    ).to.equal(0);
    expect(
      promSum(text, 'llm_gateway_upstream_attempts_total', {
        gateway: 'nginx',
        upstream: dead,
        outcome: 'failed',
      }),
    ).to.be.greaterThan(0);
    expect(promSum(text, 'llm_gateway_retries_total', { gateway: 'nginx', kind: 'retry' })).to.be.greaterThan(
      0,
    );
    // HAProxy: the requests round-robin sent to the dead server were redispatched to the live one
    expect(
      promSum(text, 'llm_gateway_retries_total', { gateway: 'haproxy', kind: 'redispatch', outcome: 'ok' }),
    ).to.be.greaterThan(0);
    expect(
      promSum(text, 'llm_gateway_upstream_attempts_total', { gateway: 'haproxy', upstream: 'live' }),
    ).to.be.greaterThan(0);
  });

  const preset = (overrides: Partial<AccessLogConfig>) =>
    ({ ...accessLogReceiverFactory.createDefaultConfig(), ...overrides }) as AccessLogConfig;

  for (const [g, config] of [
    ['nginx', { format: 'nginx', log_format: NGINX_FORMAT }],
    ['caddy', { format: 'caddy' }],
    ['haproxy', { format: 'haproxy' }],
  ] as const)
    it(`replay reads the real ${g} capture with its preset: statuses and latency as logged`, () => {
      const s = replayFiles([logs[g]], preset(config as Partial<AccessLogConfig>));
      expect(s.lines).to.include({ read: TOTAL, parsed: TOTAL, unparsed: 0, trailing_content: 0 });
      expect(s.calls.by_status).to.deep.equal({ '200': OK, '429': LIMITED, '500': FAILED });
      expect(s.calls.by_class.rate_limit?.count).to.equal(LIMITED);
      const lat = s.latency.by_route['/v1/chat/completions'];
      expect(lat.count).to.equal(TOTAL);
      // the upstream waits 15 ms before answering; nginx logs ms, HAProxy whole ms, Caddy ns
      expect(lat.p50_ms).to.be.at.least(14).and.below(2000);
      expect(s.warnings.filter((w) => /status|duration/.test(w))).to.deep.equal([]);
    });

  it('replay reads the real Apache capture (LogFormat combined + %D) pasted as Apache writes it', () => {
    const s = replayFiles(
      [logs.apache],
      preset({
        format: 'apache',
        log_format:
          'LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" combined_D',
      }),
    );
    expect(s.lines).to.include({ read: 5, parsed: 5 });
    expect(s.calls.by_status).to.deep.equal({ '200': 5 });
    const lat = s.latency.by_route['/v1/models'];
    expect(lat.count).to.equal(5);
    expect(lat.p50_ms).to.be.above(0).and.below(1000);
    // under the plain combined preset the same lines are trailing content, not calls without latency
    const plain = replayFiles([logs.apache], preset({ format: 'apache', log_format: 'combined' }));
    expect(plain.lines).to.include({ parsed: 0, trailing_content: 5 });
    expect(plain.hint).to.match(/--format apache --log-format combined_D/);
  });
});
