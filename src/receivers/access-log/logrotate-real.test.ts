// SPDX-License-Identifier: Apache-2.0
// Debian's real logrotate rotates a real nginx's access logs under steady load while the real
// agent (`driftwatch run`, one access_log receiver per log, the debug exporter printing one line
// per record) follows them with the rotated names in its globs. One nginx request is written to
// six logs: one per logrotate mode (create, copytruncate, delaycompress, compress, dateext) and
// a never-rotated `truth` log. Three forced rotations: the agent running, the agent SIGKILLed
// while logrotate runs (a new agent started after it), the new agent running. Every request id
// is counted per mode: none lost; no agent repeats a line by itself; the new agent repeats at
// most what the killed one had not checkpointed, within batch_size × max_inflight_batches.
// (`compress` without `delaycompress` seals what a dead agent had not read yet in a `.gz`: the
// agent continues the stream from there.) One loss is logrotate's own and is told apart by what is left on disk: copytruncate drops the lines nginx
// writes between its copy and its truncate (in no file any more) unless already read.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startAccessLogAgent, stopAgent } from '../../../test/helpers/access-log-agent.js';
import type { AccessLogAgent } from '../../../test/helpers/access-log-agent.js';
import { requireTool } from '../../testing/system-tool.js';
import { waitFor } from './test-harness.js';

const MODES = {
  create: 'create',
  copytruncate: 'copytruncate',
  delaycompress: 'create\n  compress\n  delaycompress',
  compress: 'create\n  compress',
  dateext: 'create\n  dateext\n  dateformat -%Y%m%d-%s',
} as const;
type Mode = keyof typeof MODES;
const MODE_NAMES = Object.keys(MODES) as Mode[];
const BATCH = 100;
const INFLIGHT = 4; // the shipped max_inflight_batches
const REOPEN = new Set<Mode>(['create', 'delaycompress', 'compress', 'dateext']);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('access_log receiver: every logrotate mode with a real nginx, with and without kill -9', function () {
  this.timeout(120_000);
  let nginxBin: string;
  let logrotateBin: string;
  let dir: string;
  let nginx: ChildProcess | undefined;
  let agents: AccessLogAgent[] = [];
  let stopLoad: (() => Promise<void>) | undefined;

  before(function () {
    nginxBin = requireTool(
      this,
      'nginx',
      ['/usr/sbin/nginx'],
      'apt-get install nginx (.ci/install.d/40-nginx.sh)',
    );
    logrotateBin = requireTool(
      this,
      'logrotate',
      ['/usr/sbin/logrotate'],
      'apt-get install logrotate (.ci/install.d/40-logrotate.sh)',
    );
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-logrotate-'));
  });
  afterEach(async () => {
    await stopLoad?.();
    stopLoad = undefined;
    for (const a of agents) await stopAgent(a, 'SIGKILL');
    agents = [];
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx!.once('exit', r));
    }
    nginx = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function startNginx(logs: string): Promise<{ port: number; pidFile: string }> {
    const port = await freePort();
    const pidFile = join(dir, 'nginx.pid');
    mkdirSync(join(dir, 'tmp'));
    const formats = [...MODE_NAMES, 'truth']
      .map((m) => `  log_format f_${m} '${m}-$http_x_id $status';\n  access_log ${logs}/${m}.log f_${m};`)
      .join('\n');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;
master_process on;
worker_processes 1;
${process.getuid?.() === 0 ? 'user root root;' : ''}
pid ${pidFile};
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
${formats}
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 100000;
    location / { return 200 "ok"; }
  }
}
`,
    );
    nginx = spawn(nginxBin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    nginx.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => {
      if (nginx!.exitCode !== null) throw new Error(`nginx exited: ${err}`);
      try {
        return readFileSync(pidFile, 'utf8').trim().length > 0;
      } catch {
        return false;
      }
    }, 'nginx to start');
    return { port, pidFile };
  }

  function writeLogrotateConfig(logs: string, pidFile: string): string {
    const stanzas = MODE_NAMES.map(
      (m) => `${logs}/${m}.log {
  ${MODES[m]}
  rotate 10
  missingok
  notifempty
${REOPEN.has(m) ? `  postrotate\n    kill -USR1 $(cat ${pidFile})\n  endscript\n` : ''}}`,
    ).join('\n');
    const file = join(dir, 'logrotate.conf');
    writeFileSync(file, `${stanzas}\n`, { mode: 0o644 });
    return file;
  }

  function rotate(conf: string): Promise<void> {
    // -f: rotate now; -s: a state file of our own (not /var/lib/logrotate/status)
    const p = spawn(logrotateBin, ['-f', '-s', join(dir, 'logrotate.state'), conf], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((resolve, reject) =>
      p.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`logrotate exited ${code}: ${out}`)),
      ),
    );
  }

  /** Steady load: 4 clients in a loop, each request carrying a new id. */
  function startLoad(port: number): { sent: string[]; stop: () => Promise<void> } {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const sent: string[] = [];
    let n = 0;
    let running = true;
    const one = (id: string) =>
      new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', headers: { 'x-id': id }, agent }, (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
        });
        req.on('error', reject);
        req.end();
      });
    const client = async () => {
      while (running) {
        const id = `r${n++}`;
        await one(id);
        sent.push(id);
        await new Promise((r) => setTimeout(r, 2)); // ~several hundred requests/s in all
      }
    };
    const clients = Array.from({ length: 4 }, client);
    return {
      sent,
      stop: async () => {
        running = false;
        await Promise.all(clients);
        agent.destroy();
      },
    };
  }

  function agentConfig(logs: string): string {
    const receivers = MODE_NAMES.map(
      (m) => `  access_log/${m}:
    include: [${JSON.stringify(`${logs}/${m}.log*`)}]
    format: nginx
    log_format: '$request_id $status'
    start_at: beginning
    poll_interval: 50ms
    scan_interval: 100ms
    rotate_wait: 2s
    batch_size: ${BATCH}`,
    ).join('\n');
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      `receivers:\n${receivers}\nexporters:\n  debug:\n    verbosity: detailed\nservice:\n  pipelines:\n    logs:\n      receivers: [${MODE_NAMES.map((m) => `access_log/${m}`).join(', ')}]\n      exporters: [debug]\n`,
    );
    return file;
  }

  /** Ids of one mode in the files left on disk (plain and gzip-compressed). */
  function idsOnDisk(logs: string, mode: Mode): { plain: Set<string>; gz: Set<string> } {
    const plain = new Set<string>();
    const gz = new Set<string>();
    for (const name of readdirSync(logs).filter((n) => n.startsWith(`${mode}.log`))) {
      const raw = readFileSync(join(logs, name));
      const text = name.endsWith('.gz') ? gunzipSync(raw).toString() : raw.toString();
      for (const line of text.split('\n'))
        if (line) (name.endsWith('.gz') ? gz : plain).add(line.split(' ')[0]);
    }
    return { plain, gz };
  }

  async function runMatrix(): Promise<void> {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const { port, pidFile } = await startNginx(logs);
    const conf = writeLogrotateConfig(logs, pidFile);
    const config = agentConfig(logs);
    const data = join(dir, 'data');
    const load = startLoad(port);
    stopLoad = load.stop;
    const all = () => agents.flatMap((a) => a.ids);
    const seen = (mode: Mode) => all().filter((id) => id.startsWith(`${mode}-`)).length;
    const a1 = startAccessLogAgent(config, data);
    agents.push(a1);
    // Caught up with the load (the backlog of its start-up read): a steady state to rotate in.
    await waitFor(
      () => MODE_NAMES.every((m) => seen(m) >= 100 && seen(m) >= load.sent.length - 100),
      'the agent to follow every log',
      60_000,
    );

    const pause = () => new Promise((r) => setTimeout(r, 1100)); // dateext names carry the second
    // Rotation 1 with the agent running.
    await rotate(conf);
    let before = all().length;
    await waitFor(() => all().length >= before + 200, 'records after rotation 1', 60_000);
    await pause();
    // Rotation 2: the agent is SIGKILLed while logrotate runs, and started again after it.
    const r2 = rotate(conf);
    a1.proc.kill('SIGKILL');
    await a1.exited;
    await r2;
    before = all().length;
    const a2 = startAccessLogAgent(config, data);
    agents.push(a2);
    await waitFor(() => all().length >= before + 200, 'records after rotation 2', 60_000);
    await pause();
    // Rotation 3 with the new agent running (delaycompress now compresses what rotation 2 left).
    await rotate(conf);
    await new Promise((r) => setTimeout(r, 300));
    await load.stop();
    stopLoad = undefined;

    const sent = load.sent;
    // logrotate did rotate, three times, as each mode says
    const names = readdirSync(logs).sort();
    for (const want of [
      'create.log.3',
      'copytruncate.log.3',
      'delaycompress.log.1',
      'delaycompress.log.3.gz',
      'compress.log.3.gz',
    ])
      expect(names, 'rotated files').to.include(want);
    expect(
      names.filter((n) => /^dateext\.log-\d{8}-\d+$/.test(n)),
      'dateext names',
    ).to.have.length(3);
    const truth = readFileSync(join(logs, 'truth.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[0].slice('truth-'.length));
    const report: Record<string, unknown> = {};
    for (const mode of MODE_NAMES) {
      const expected = new Set(sent.map((id) => `${mode}-${id}`));
      const disk = idsOnDisk(logs, mode);
      // What logrotate itself dropped or sealed: in no plain file any more (not agent losses).
      const isGone = (id: string) => !disk.plain.has(id);
      await waitFor(
        () => {
          const got = new Set(all().filter((id) => id.startsWith(`${mode}-`)));
          return [...expected].every((id) => got.has(id) || isGone(id));
        },
        `${mode}: every request that is still in a plain file`,
        60_000,
      );
    }
    await new Promise((r) => setTimeout(r, 500)); // let any repeat show up
    for (const mode of MODE_NAMES) {
      const expected = new Set(sent.map((id) => `${mode}-${id}`));
      const disk = idsOnDisk(logs, mode);
      const counts = new Map<string, number>();
      for (const id of all()) if (id.startsWith(`${mode}-`)) counts.set(id, (counts.get(id) ?? 0) + 1);
      const missing = [...expected].filter((id) => !counts.has(id));
      const repeats = [...counts.values()].reduce((s, c) => s + c - 1, 0);
      const unexpected = [...counts.keys()].filter((id) => !expected.has(id));
      const inNoFile = missing.filter((id) => !disk.plain.has(id) && !disk.gz.has(id));
      const onlyInGz = missing.filter((id) => !disk.plain.has(id) && disk.gz.has(id));
      const agentLost = missing.filter((id) => disk.plain.has(id));
      // logrotate's copytruncate window: the lines nginx wrote between the copy and the
      // truncate, i.e. at most one unbroken run (in nginx's write order) per rotation.
      const gone = new Set(inNoFile.map((id) => id.slice(mode.length + 1)));
      let runs = 0;
      truth.forEach((id, i) => {
        if (gone.has(id) && (i === 0 || !gone.has(truth[i - 1]))) runs++;
      });
      expect(runs, `${mode}: runs of lines in no file`).to.be.at.most(3);
      report[mode] = {
        sent: expected.size,
        missing: missing.length,
        inNoFile: inNoFile.length,
        onlyInGz: onlyInGz.length,
        repeats,
      };
      expect(unexpected, `${mode}: ids never sent`).to.deep.equal([]);
      expect(agentLost.slice(0, 5), `${mode}: lost although still in a plain log file`).to.deep.equal([]);
      // Only copytruncate's copy-then-truncate window loses lines from every file.
      if (mode !== 'copytruncate') expect(inNoFile.slice(0, 5), `${mode}: ids in no file`).to.deep.equal([]);
      // Sealed in a .gz before the agent read it (compress while the agent is down): read from there.
      expect(onlyInGz.slice(0, 5), `${mode}: ids only in .gz`).to.deep.equal([]);
      // No agent repeats a line by itself; the new one repeats at most what the killed one had
      // sent without its acknowledgement reaching the checkpoint.
      const own = (a: AccessLogAgent) => a.ids.filter((id) => id.startsWith(`${mode}-`));
      for (const a of agents)
        expect(own(a).length - new Set(own(a)).size, `${mode}: repeats within one run`).to.equal(0);
      const killed = new Set(own(a1));
      const again = own(a2).filter((id) => killed.has(id)).length;
      expect(again, `${mode}: repeats after kill -9`).to.be.at.most(BATCH * INFLIGHT);
      expect(repeats).to.equal(again);
    }
    if (process.env.DW_FIGURES) console.log(JSON.stringify({ sent: sent.length, report }));
    for (const a of agents) {
      a.proc.kill('SIGTERM');
      expect(await a.exited).to.be.oneOf([0, null]);
    }
  }

  it('create, copytruncate, delaycompress, compress, dateext under load; kill -9 during a rotation', async () => {
    await runMatrix();
  });
});
