// SPDX-License-Identifier: Apache-2.0
// Real nginx (Debian package) on loopback proxying to a small upstream, writing a text and an
// escape=json access log. The receiver tails both while a load generator sends a known number
// of requests; the logs are rotated with mv + reopen (SIGUSR1) and with copy-truncate, several
// times, under load. Every request must appear exactly once in each output.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../testing/system-tool.js';
import { startReceiver, waitFor } from './test-harness.js';
import type { Harness } from './test-harness.js';

const TEXT_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_connect_time $upstream_header_time $upstream_response_time $upstream_status "$upstream_http_x_request_id" "$upstream_http_openai_model" "$http_x_request_source"';
const JSON_FORMAT =
  '\'{"time":"$time_iso8601","request":"$request","status":"$status","rt":"$request_time","uct":"$upstream_connect_time","ups":"$upstream_status","rid":"$upstream_http_x_request_id","model":"$upstream_http_openai_model"}\'';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function send(port: number, id: string, synthetic: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions?api-version=1',
        headers: {
          'content-type': 'application/json',
          'x-client-id': id,
          ...(synthetic ? { 'x-request-source': 'synthetic-contract-probe' } : {}),
        },
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

describe('access_log receiver with a real nginx (rotation under load)', function () {
  this.timeout(120_000);
  let nginx: string;
  let dir: string;
  let upstream: Server;
  let proc: ChildProcess | undefined;
  let harnesses: Harness[] = [];

  before(function () {
    nginx = requireTool(
      this,
      'nginx',
      ['/usr/sbin/nginx', '/usr/bin/nginx'],
      'apt-get install nginx (see .ci/install.d/40-nginx.sh)',
    );
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-nginx-'));
  });

  afterEach(async () => {
    for (const h of harnesses) await h.stop();
    harnesses = [];
    if (proc && proc.exitCode === null) {
      proc.kill('SIGQUIT');
      await new Promise((r) => proc!.once('exit', r));
    }
    proc = undefined;
    await new Promise((r) => upstream?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('every request appears exactly once in the text and JSON outputs across mv+reopen and copy-truncate', async () => {
    // Upstream: OpenAI-like answers; every 10th request is a 429.
    let n = 0;
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        const id = String(req.headers['x-client-id'] ?? '');
        res.writeHead(n % 10 === 0 ? 429 : 200, {
          'content-type': 'application/json',
          'x-request-id': id,
          'openai-model': 'gpt-4o-mini-2024-07-18',
        });
        res.end('{"object":"chat.completion","choices":[]}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const upPort = (upstream.address() as AddressInfo).port;
    const port = await freePort();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    mkdirSync(join(dir, 'tmp'));
    const asRoot = process.getuid?.() === 0;
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;
master_process on;
worker_processes 1;
${asRoot ? 'user root root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  log_format llm '${TEXT_FORMAT}';
  log_format llm_json escape=json ${JSON_FORMAT};
  upstream llm { server 127.0.0.1:${upPort}; keepalive 8; }
  server {
    listen 127.0.0.1:${port};
    access_log ${logs}/access.log llm;
    access_log ${logs}/access-json.log llm_json;
    location / {
      proxy_pass http://llm;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
    );
    proc = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let nginxErr = '';
    proc.stderr!.on('data', (d: Buffer) => (nginxErr += d.toString()));
    await waitFor(() => {
      try {
        return readFileSync(join(dir, 'nginx.pid'), 'utf8').trim().length > 0;
      } catch {
        return proc!.exitCode !== null
          ? (() => {
              throw new Error(`nginx exited: ${nginxErr}`);
            })()
          : false;
      }
    }, 'nginx to start');
    const masterPid = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());

    const common = {
      start_at: 'beginning' as const,
      poll_interval: 50,
      scan_interval: 100,
      rotate_wait: 5000,
      batch_size: 64,
    };
    const text = await startReceiver(join(dir, 'data-text'), {
      ...common,
      format: 'nginx',
      log_format: TEXT_FORMAT,
      include: [join(logs, 'access.log*')],
    });
    const json = await startReceiver(join(dir, 'data-json'), {
      ...common,
      format: 'nginx',
      log_format: `log_format llm_json escape=json ${JSON_FORMAT};`,
      include: [join(logs, 'access-json.log*')],
    });
    harnesses = [text, json];

    const TOTAL = 800;
    const ids = Array.from({ length: TOTAL }, (_, i) => `req-${i}`);
    const rotations: Array<[number, 'mv' | 'copytruncate', number]> = [
      [150, 'mv', 1],
      [300, 'copytruncate', 2],
      [450, 'mv', 3],
      [600, 'copytruncate', 4],
      [700, 'mv', 5],
    ];
    function mvReopen(k: number): void {
      renameSync(join(logs, 'access.log'), join(logs, `access.log.${k}`));
      renameSync(join(logs, 'access-json.log'), join(logs, `access-json.log.${k}`));
      process.kill(masterPid, 'SIGUSR1');
    }
    function copyTruncate(k: number): void {
      for (const name of ['access.log', 'access-json.log']) {
        copyFileSync(join(logs, name), join(logs, `${name}.${k}`));
        truncateSync(join(logs, name), 0);
      }
    }
    // copy-truncate has an inherent window (lines written between the copy and the truncate
    // are in neither file, as with logrotate): the load generator drains its in-flight
    // requests around that step only. mv + reopen happens with requests in flight.
    let next = 0;
    let sent = 0;
    let inFlight = 0;
    let gate: Promise<void> | undefined;
    const worker = async () => {
      while (next < TOTAL) {
        if (gate) {
          await gate;
          continue;
        }
        const i = next++;
        while (rotations.length > 0 && i >= rotations[0][0]) {
          const [, kind, k] = rotations.shift()!;
          if (kind === 'copytruncate') {
            gate = (async () => {
              await waitFor(() => inFlight === 0, 'in-flight requests before copy-truncate');
              copyTruncate(k);
            })();
            await gate;
            gate = undefined;
          } else mvReopen(k);
        }
        inFlight++;
        const status = await send(port, ids[i], i % 50 === 0).finally(() => inFlight--);
        expect([200, 429]).to.include(status);
        sent++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(sent).to.equal(TOTAL);

    for (const [name, h] of [
      ['text', text],
      ['json', json],
    ] as const) {
      await waitFor(
        () => h.records.length >= TOTAL,
        `${name}: ${TOTAL} records (have ${h.records.length})`,
        60_000,
      );
    }
    await new Promise((r) => setTimeout(r, 500)); // let any duplicate show up
    for (const [name, h] of [
      ['text', text],
      ['json', json],
    ] as const) {
      const got = h.records.map((r) => r.response.requestId ?? '?');
      const counts = new Map<string, number>();
      for (const g of got) counts.set(g, (counts.get(g) ?? 0) + 1);
      const dups = [...counts].filter(([, c]) => c > 1);
      const missing = ids.filter((id) => !counts.has(id));
      expect({ name, dups: dups.slice(0, 5), missing: missing.slice(0, 5), total: got.length }).to.deep.equal(
        {
          name,
          dups: [],
          missing: [],
          total: TOTAL,
        },
      );
      const statuses = new Set(h.records.map((r) => r.response.status));
      expect([...statuses].sort()).to.deep.equal([200, 429]);
      const r0 = h.records[0];
      expect(r0.request.route).to.equal('/v1/chat/completions');
      expect(r0.response.model ?? r0.request.model).to.equal('gpt-4o-mini-2024-07-18');
      expect(r0.upstream?.statuses.length).to.equal(1);
      expect(r0.timings.totalMs).to.be.a('number');
    }
    expect(text.records.filter((r) => r.request.synthetic).length).to.equal(TOTAL / 50);
    const events = text.metrics.sum('driftwatch_access_log_file_events_total', { event: 'truncated' });
    expect(events, 'copy-truncate was detected').to.be.at.least(1);
  });
});
