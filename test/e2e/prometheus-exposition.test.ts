// SPDX-License-Identifier: Apache-2.0
// Both pull pages of a real running agent (`driftwatch demo`: the prometheus exporter and the
// health_check's /metrics) pass `promtool check metrics` (base units, right types, help text),
// carry `target_info`, answer OpenMetrics when the Accept header asks for it and gzip when
// Accept-Encoding allows it (issue 14 item 4).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { freePort } from '../../src/testing/backends.js';
import { requireTool } from '../../src/testing/system-tool.js';
import { waitFor } from '../helpers/child-agent.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.2,*/*;q=0.1';

function promtoolCheck(bin: string, page: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => resolve({ code, out }));
    p.stdin.end(page);
  });
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  const raw = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, raw };
}

describe('the Prometheus pages of a running agent', function () {
  this.timeout(120_000);
  let promtool: string;
  let dir: string;
  let child: ChildProcess | undefined;
  let exporterUrl = '';
  let selfUrl = '';

  before(async function () {
    promtool = requireTool(
      this,
      'promtool',
      ['.cache/promtool/usr/bin/promtool', '/usr/bin/promtool', '/usr/local/bin/promtool'],
      'bash .ci/install.d/30-promtool.sh',
    );
    dir = mkdtempSync(join(tmpdir(), 'dw-expo-'));
    const healthPort = await freePort();
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(${JSON.stringify([
          'demo',
          '--data-dir',
          dir,
          '--set',
          `extensions.health_check.endpoint=127.0.0.1:${healthPort}`,
        ])}); })`,
      ],
      { cwd: ROOT, env: { ...process.env, DRIFTWATCH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    exporterUrl = await waitFor(
      'the prometheus exporter in the banner',
      () => /prometheus\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out)?.[1],
      60_000,
    );
    selfUrl = `http://127.0.0.1:${healthPort}/metrics`;
    await waitFor(
      'probe results on the exporter page',
      async () => /^llm_latency_seconds_bucket\{/m.test((await get(exporterUrl)).raw.toString()),
      60_000,
    );
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((r) => child!.once('exit', r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const which of ['exporter', 'self'] as const) {
    const url = () => (which === 'exporter' ? exporterUrl : selfUrl);

    it(`${which} page: text format 0.0.4 that promtool check metrics accepts, with target_info`, async () => {
      const res = await get(url());
      expect(res.status).to.equal(200);
      expect(String(res.headers['content-type'])).to.contain('text/plain; version=0.0.4');
      const page = res.raw.toString();
      expect(page).to.match(/^# TYPE target_info gauge$/m);
      expect(page).to.match(/^target_info\{[^}]*service_name="driftwatch"[^}]*\} 1$/m);
      const check = await promtoolCheck(promtool, page);
      expect(check, check.out).to.deep.equal({ code: 0, out: '' });
      if (which === 'exporter') {
        expect(page).to.match(/^# TYPE llm_latency_seconds histogram$/m);
        expect(page).to.match(/^llm_latency_seconds_bucket\{[^}]*le="0\.005"\} \d+$/m);
        expect(page).to.not.match(/milliseconds|_days\b/);
        // every configured probe target has its schema-invalid counter, at 0 until a violation
        expect(page).to.match(/^llm_response_schema_invalid_total\{[^}]*provider="local"[^}]*\} \d+$/m);
      } else {
        expect(page).to.match(/^# TYPE driftwatch_process_cpu_seconds_total counter$/m);
      }
    });

    it(`${which} page: OpenMetrics 1.0 when the Accept header prefers it`, async () => {
      const res = await get(url(), { accept: OPENMETRICS_ACCEPT });
      expect(String(res.headers['content-type'])).to.contain('application/openmetrics-text; version=1.0.0');
      const page = res.raw.toString();
      expect(page.endsWith('# EOF\n'), 'ends with # EOF').to.equal(true);
      expect(page).to.match(/^# TYPE target info$/m);
      if (which === 'exporter') {
        expect(page).to.match(/^# TYPE llm_request counter$/m);
        expect(page).to.match(/^llm_request_total\{/m);
        expect(page).to.match(/^llm_request_created\{[^}]*\} \d+(\.\d+)?$/m);
        expect(page).to.match(/^# UNIT llm_latency_seconds seconds$/m);
      } else {
        expect(page).to.match(/^# TYPE driftwatch_process_cpu_seconds counter$/m);
        expect(page).to.match(/^driftwatch_process_cpu_seconds_total \S+$/m);
      }
    });

    it(`${which} page: gzip when Accept-Encoding allows it, plain otherwise`, async () => {
      const plain = await get(url());
      expect(plain.headers['content-encoding']).to.equal(undefined);
      const zipped = await get(url(), { 'accept-encoding': 'gzip, deflate' });
      expect(zipped.headers['content-encoding']).to.equal('gzip');
      expect(Number(zipped.headers['content-length'])).to.equal(zipped.raw.length);
      const page = gunzipSync(zipped.raw).toString();
      expect(page).to.match(/^# TYPE target_info gauge$/m);
      expect(zipped.raw.length).to.be.lessThan(Buffer.byteLength(page));
    });
  }
});
