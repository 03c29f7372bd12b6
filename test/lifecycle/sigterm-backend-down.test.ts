// SPDX-License-Identifier: Apache-2.0
// SIGTERM while the OTLP backend is unreachable (issue 17): the agent drains until the shutdown
// deadline, logs what was left behind per exporter (dropped from the memory queue, or kept in
// a file queue), and exits 0 because a drain cut by the deadline is a normal stop. A second
// signal still exits at once with 1.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, getJson, spawnAgent, waitFor } from '../helpers/child-agent.js';

interface LogLine {
  msg: string;
  level: string;
  late?: string[];
  deadline_ms?: number;
  left?: Record<string, { dropped_at_shutdown: number; failed_at_shutdown: number; queued: number }>;
}

function config(health: number, collector: string): string {
  return `
receivers:
  ticker/t: { interval_ms: 20, batch: 5 }
exporters:
  otlp_http:
    endpoint: ${collector}
    metrics: { enabled: false }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  pipelines:
    p: { receivers: [ticker/t], exporters: [otlp_http] }
`;
}

const logs = (stderr: string): LogLine[] =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

describe('SIGTERM with the OTLP backend down (child process)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-sigterm-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function started(): Promise<ReturnType<typeof spawnAgent>> {
    const health = await freePort();
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, config(health, `http://127.0.0.1:${await freePort()}`));
    const agent = spawnAgent([
      'run',
      '--config',
      cfg,
      '--data-dir',
      join(dir, 'data'),
      '--shutdown-timeout',
      '2s',
    ]);
    await waitFor(
      'healthz 200',
      async () => (await getJson(`http://127.0.0.1:${health}/healthz`)).status === 200,
    );
    // Records pile up behind the failing sends (retries with backoff).
    await waitFor('a failed export', () => agent.stderr().includes('ECONNREFUSED') || undefined);
    return agent;
  }

  it('drains until the deadline, logs what was left, exits 0', async () => {
    const agent = await started();
    const t0 = Date.now();
    agent.proc.kill('SIGTERM');
    const code = await agent.exited;
    const waited = Date.now() - t0;
    expect(code, agent.stderr()).to.equal(0);
    const lines = logs(agent.stderr());
    const cut = lines.find((l) => l.msg.startsWith('Shutdown deadline reached'));
    expect(cut, agent.stderr()).to.not.equal(undefined);
    expect(cut!.level).to.equal('warn');
    expect(cut!.late).to.include('exporter "otlp_http"');
    const left = cut!.left!.otlp_http;
    process.stderr.write(`    left behind: ${JSON.stringify(cut!.left)}\n`);
    expect(
      left.dropped_at_shutdown + left.failed_at_shutdown + left.queued,
      'records were waiting',
    ).to.be.greaterThan(0);
    expect(lines.some((l) => l.msg === 'Driftwatch stopped.')).to.equal(true);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).to.not.include(
      'Component shutdown error.',
    );
    // It did wait for the drain (not an instant exit) and stopped by the deadline's end.
    expect(waited).to.be.at.least(1_500);
  });

  it('a second signal exits at once with 1', async () => {
    const agent = await started();
    agent.proc.kill('SIGTERM');
    await waitFor(
      'draining',
      () => agent.stderr().includes('Shutting down: draining pipelines.') || undefined,
    );
    agent.proc.kill('SIGTERM');
    expect(await agent.exited).to.equal(1);
    expect(agent.stderr()).to.include('Second signal: exiting now without draining.');
  });
});
