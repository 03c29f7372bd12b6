// SPDX-License-Identifier: Apache-2.0
// `driftwatch check` is bounded (issue 17): the shipped pipelines/cometapi.yaml against a
// collector that refuses connections, one that accepts and never answers, and a provider that
// never answers. Each run ends with exit 2 within its --timeout, and the report names the URL
// the test export tried. Before, the first case printed nothing for 590 s.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../../src/cli/check-report.js';
import { parseScenario } from '../../src/simulator/scenario.js';
import { ProviderSimulator } from '../../src/simulator/server.js';
import { freePort, spawnAgent } from '../helpers/child-agent.js';

/** Accepts TCP connections and never writes a byte: a collector or provider that hangs. */
async function blackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

interface Run {
  code: number | null;
  out: string;
  report: CheckReport;
}

async function check(opts: { otlp: string; provider: string; args: string[] }): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-check-deadline-'));
  const json = join(dir, 'report.json');
  try {
    const child = spawnAgent(
      [
        'check',
        '--config',
        'pipelines/cometapi.yaml',
        '--set',
        `receivers.probe/cometapi.base_url=${opts.provider}`,
        '--set',
        `exporters.prometheus.endpoint=127.0.0.1:${await freePort()}`,
        '--set',
        `extensions.health_check.endpoint=127.0.0.1:${await freePort()}`,
        '--data-dir',
        join(dir, 'data'),
        '--json',
        json,
        ...opts.args,
      ],
      {
        COMETAPI_API_KEY: 'sk-test-deadlines',
        OTEL_EXPORTER_OTLP_ENDPOINT: opts.otlp,
        DRIFTWATCH_LOG_LEVEL: 'error',
      },
    );
    const code = await child.exited;
    let report: CheckReport;
    try {
      report = JSON.parse(readFileSync(json, 'utf8')) as CheckReport;
    } catch {
      throw new Error(`no report (exit ${code}):\n${child.stdout()}\n${child.stderr()}`);
    }
    return { code, out: child.stdout(), report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('driftwatch check: every step has a deadline (pipelines/cometapi.yaml)', function () {
  this.timeout(90_000);
  let sim: ProviderSimulator;
  let provider: string;
  before(async () => {
    sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 5 }, first_token: { value: 5 }, chunk_gap: { value: 2 } } }),
    );
    provider = await sim.start();
  });
  after(() => sim.stop());

  it('a collector that refuses connections: the otlp_http row fails with its URL, exit 2, the probes still judged', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await check({ otlp: dead, provider, args: ['--timeout', '30s'] });
    expect(r.code, r.out).to.equal(2);
    const t = r.report.telemetry.find((x) => x.exporter === 'otlp_http')!;
    expect(t.ok).to.equal(false);
    expect(t.url).to.equal(`${dead}/v1/metrics`);
    expect(t.error).to.include(`${dead}/v1/metrics`);
    expect(r.out).to.include(`FAIL otlp_http: `);
    expect(r.report.rows.length).to.be.greaterThan(0);
    expect(r.report.rows.every((x) => x.outcome === 'pass')).to.equal(true);
    expect(r.report.durationMs).to.be.at.most(30_000);
  });

  it('a collector that accepts and never answers: the row fails after --export-timeout, exit 2', async () => {
    const hole = await blackHole();
    try {
      const r = await check({
        otlp: hole.url,
        provider,
        args: ['--timeout', '30s', '--export-timeout', '2s'],
      });
      expect(r.code, r.out).to.equal(2);
      const t = r.report.telemetry.find((x) => x.exporter === 'otlp_http')!;
      expect(t.error).to.equal(`no answer to ${hole.url}/v1/metrics within 2 s`);
      expect(r.report.durationMs).to.be.at.most(30_000);
    } finally {
      await hole.close();
    }
  });

  it('a provider that never answers: --timeout ends the check with exit 2 and says which step ran late', async () => {
    const hole = await blackHole();
    const collector = await blackHole();
    try {
      const r = await check({
        otlp: collector.url,
        provider: `${hole.url}/v1`,
        args: ['--timeout', '6s', '--export-timeout', '1s'],
      });
      expect(r.code, r.out).to.equal(2);
      expect(r.report.problems).to.deep.equal([
        'receiver probe/cometapi: probes not finished within --timeout 6 s',
      ]);
      expect(r.out).to.include(
        'Deadlines:\n  FAIL receiver probe/cometapi: probes not finished within --timeout 6 s',
      );
      expect(r.report.durationMs).to.be.at.most(6_000);
    } finally {
      await hole.close();
      await collector.close();
    }
  });
});
