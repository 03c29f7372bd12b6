// SPDX-License-Identifier: Apache-2.0
// The real CLI in a child process: SIGTERM drains in-flight records to the exporters before
// exit; SIGHUP with a broken file keeps the old pipeline; a good SIGHUP swaps it; a second
// signal exits at once; a port in use is a clear runtime error.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, getJson, spawnAgent, waitFor } from '../helpers/child-agent.js';

function lines(path: string): Array<{ probe: string; model: string }> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { probe: string; model: string });
}

function config(port: number, out: string, opts: { model?: string; delay?: number } = {}): string {
  return `
receivers:
  ticker/t: { interval_ms: 20, batch: 5, model: ${opts.model ?? 'model-a'} }
exporters:
  sink/slow: { delay_ms: ${opts.delay ?? 400}, path: ${JSON.stringify(out)} }
extensions:
  health_check: { endpoint: 127.0.0.1:${port} }
service:
  extensions: [health_check]
  pipelines:
    p: { receivers: [ticker/t], exporters: [sink/slow] }
`;
}

describe('lifecycle (child process)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-life-'));
  });

  it('SIGTERM with records in flight: every emitted record reaches the exporter, exit 0', async () => {
    const port = await freePort();
    const out = join(dir, 'out.jsonl');
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, config(port, out));
    const agent = spawnAgent(['run', '--config', cfg, '--data-dir', join(dir, 'data')]);
    await waitFor(
      'healthz 200',
      async () => (await getJson(`http://127.0.0.1:${port}/healthz`)).status === 200,
    );
    await waitFor('some delivered records', () => lines(out).length >= 10);
    agent.proc.kill('SIGTERM');
    const code = await agent.exited;
    expect(code, agent.stderr()).to.equal(0);
    const stopped = agent
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; emitted?: number; acked?: number })
      .find((l) => l.msg === 'Ticker stopped.');
    expect(stopped, agent.stderr()).to.not.equal(undefined);
    const delivered = lines(out);
    // The slow exporter holds ~400 ms of batches when the signal lands: all of them must arrive.
    expect(delivered.length).to.equal(stopped!.emitted);
    expect(stopped!.acked).to.equal(stopped!.emitted);
    expect(new Set(delivered.map((d) => d.probe)).size).to.equal(delivered.length, 'no duplicates');
  });

  it('SIGHUP with a broken file keeps the old pipeline; a good one swaps it', async () => {
    const port = await freePort();
    const out = join(dir, 'out.jsonl');
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, config(port, out, { delay: 0 }));
    const agent = spawnAgent(['run', '--config', cfg, '--data-dir', join(dir, 'data')]);
    try {
      await waitFor(
        'healthz 200',
        async () => (await getJson(`http://127.0.0.1:${port}/healthz`)).status === 200,
      );
      writeFileSync(cfg, 'receivers: { ticker/t: { interval_ms: "soon" } ');
      agent.proc.kill('SIGHUP');
      await waitFor('reload refusal logged', () => agent.stderr().includes('Reload refused'));
      const before = lines(out).length;
      await waitFor('records keep flowing', () => lines(out).length > before + 20);
      const health = await getJson(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).to.equal(200);
      expect((health.body as { last_reload: { ok: boolean } }).last_reload.ok).to.equal(false);

      writeFileSync(cfg, config(port, out, { model: 'model-b', delay: 0 }));
      agent.proc.kill('SIGHUP');
      await waitFor('records from the new pipeline', () => lines(out).some((l) => l.model === 'model-b'));
      const h2 = await getJson(`http://127.0.0.1:${port}/healthz`);
      expect((h2.body as { last_reload: { ok: boolean } }).last_reload.ok).to.equal(true);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).to.match(/driftwatch_config_reloads_total\{result="failure"\} 1/);
      expect(metrics).to.match(/driftwatch_config_reloads_total\{result="success"\} 1/);
    } finally {
      agent.proc.kill('SIGTERM');
      expect(await agent.exited).to.equal(0);
    }
  });

  it('a second signal exits at once', async () => {
    const port = await freePort();
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, config(port, join(dir, 'o.jsonl'), { delay: 20_000 }));
    const agent = spawnAgent([
      'run',
      '--config',
      cfg,
      '--data-dir',
      join(dir, 'data'),
      '--shutdown-timeout',
      '30s',
    ]);
    await waitFor(
      'healthz 200',
      async () => (await getJson(`http://127.0.0.1:${port}/healthz`)).status === 200,
    );
    await new Promise((r) => setTimeout(r, 200));
    agent.proc.kill('SIGTERM');
    await waitFor('drain started', () => agent.stderr().includes('Shutting down'));
    const t0 = Date.now();
    agent.proc.kill('SIGINT');
    const code = await agent.exited;
    expect(code).to.equal(1);
    expect(Date.now() - t0).to.be.lessThan(10_000);
  });

  it('a port already in use is a clear runtime error without a stack trace', async () => {
    const port = await freePort();
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, config(port, join(dir, 'o.jsonl')));
    const first = spawnAgent(['run', '--config', cfg, '--data-dir', join(dir, 'd1')]);
    try {
      await waitFor(
        'healthz 200',
        async () => (await getJson(`http://127.0.0.1:${port}/healthz`)).status === 200,
      );
      const second = spawnAgent(['run', '--config', cfg, '--data-dir', join(dir, 'd2')]);
      expect(await second.exited).to.equal(1);
      expect(second.stderr()).to.contain(`health_check endpoint 127.0.0.1:${port} is already in use`);
      expect(second.stderr()).to.not.match(/\n\s+at /);
    } finally {
      first.proc.kill('SIGTERM');
      await first.exited;
    }
  });

  it('validate exits 2 with every problem and no stack trace', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(
      cfg,
      'receivers: { ticker/t: { intervall_ms: 1 } }\nexporters: { debug: {} }\nservice: { pipelines: { p: { receivers: [ticker/t], exporters: [debugg] } } }\n',
    );
    const agent = spawnAgent(['validate', '--config', cfg]);
    expect(await agent.exited).to.equal(2);
    expect(agent.stderr()).to.contain('invalid configuration (2 problems)');
    expect(agent.stderr()).to.contain('receivers::ticker/t::intervall_ms: unknown key');
    expect(agent.stderr()).to.contain('service::pipelines::p::exporters: references exporter "debugg"');
  });
});
