// SPDX-License-Identifier: Apache-2.0
// `driftwatch demo` and `driftwatch simulate` as real processes: the demo prints where to look,
// probes the simulator it started, and stops cleanly on SIGINT; simulate serves and logs.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { waitFor } from './helpers/child-agent.js';

const ROOT = new URL('..', import.meta.url).pathname;

function cli(args: string[]): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(${JSON.stringify(args)}); })`,
    ],
    { cwd: ROOT, env: { ...process.env, DRIFTWATCH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

describe('demo and simulate commands (real processes)', function () {
  this.timeout(90_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-demo-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('demo: starts the simulator, probes it, prints records, stops on SIGINT', async () => {
    const p = cli(['demo', '--data-dir', dir, '--set', 'extensions.health_check.endpoint=127.0.0.1:0']);
    try {
      await waitFor(
        'the banner',
        () => /simulator\s+http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/.test(p.out()),
        40_000,
      );
      await waitFor(
        'a probe record',
        () => /\[debug\/debug\] src=probe\/simulator probe=\w+/.test(p.out()),
        60_000,
      );
      // Real signals: the prometheus exporter (9464, or a free port when that is taken) serves them.
      const metricsUrl = /prometheus\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(p.out())?.[1];
      expect(metricsUrl, p.out()).to.be.a('string');
      let scraped = '';
      const until2 = Date.now() + 30_000;
      while (!/^llm_request_total\{/m.test(scraped) && Date.now() < until2) {
        scraped = await fetch(metricsUrl!).then(
          (r) => r.text(),
          () => '',
        );
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(scraped).to.match(/^llm_request_total\{[^}]*provider="local"/m);
      p.child.kill('SIGINT');
      expect(await p.exit).to.equal(0);
      expect(p.err()).to.include('Driftwatch stopped.');
      expect(p.out() + p.err(), 'no stack traces').to.not.match(/\n\s+at \S+ \(/);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('simulate: serves a scenario on the given port and writes its access log', async () => {
    const scenario = join(dir, 's.yaml');
    writeFileSync(
      scenario,
      'name: t\nseed: 3\nlatency: { ttfb: { value: 5ms }, first_token: { value: 5ms } }\n',
    );
    const log = join(dir, 'access.log');
    const p = cli(['simulate', '--scenario', scenario, '--access-log', log]);
    try {
      await waitFor('listening', () => /listening: http:\/\/127\.0\.0\.1:\d+/.test(p.out()), 40_000);
      const url = /listening: (\S+)/.exec(p.out())![1];
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.statusCode).to.equal(200);
      expect(((await res.body.json()) as { object: string }).object).to.equal('chat.completion');
      p.child.kill('SIGTERM');
      expect(await p.exit).to.equal(0);
      expect(p.out()).to.include('served normal=1');
      expect(readFileSync(log, 'utf8')).to.match(/"POST \/v1\/chat\/completions HTTP\/1\.1" 200 /);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('simulate: a broken scenario is a clear error with exit code 2', async () => {
    const scenario = join(dir, 'bad.yaml');
    writeFileSync(scenario, 'drift:\n  - { mode: usage_nul, rate: 2 }\n');
    const p = cli(['simulate', '--scenario', scenario]);
    expect(await p.exit).to.equal(2);
    expect(p.err()).to.include('drift.0.mode').and.include('usage_null');
  });
});
