// SPDX-License-Identifier: Apache-2.0
// `driftwatch check` end to end: the real CLI in a child process against the provider simulator
// and against recorded provider bodies replayed from test/fixtures/llm/, with its JUnit output read
// by a real JUnit consumer (junit-report-merger) and its JSON report parsed.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeFiles } from 'junit-report-merger';
import type { CheckReport } from '../../src/cli/check-report.js';
import { parseScenario } from '../../src/simulator/scenario.js';
import { ProviderSimulator } from '../../src/simulator/server.js';
import { splitEvents } from '../../src/testing/replay-server.js';
import { freePort, spawnAgent } from '../helpers/child-agent.js';

const CONTRACT = new URL('../../config/contracts/openai-chat-completions.yaml', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/llm/', import.meta.url).pathname;

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: CheckReport;
  junit: string;
  dir: string;
}

function checkConfig(baseUrl: string, exporters: string): string {
  return `
receivers:
  probe/target:
    base_url: ${baseUrl}
    model: gpt-4o-mini
    start_jitter: false
    budget: { daily_tokens: 0, daily_requests: 0 }
    probes:
      - { name: chat, kind: chat, interval: 1h, prompt_sizes: [small, large] }
      - { name: stream, kind: chat_stream, interval: 1h }
      - { name: invalid, kind: invalid_request, invalid: payload, interval: 1h }
processors:
  validate:
    contract: ${CONTRACT}
  classify: {}
  redact: {}
${exporters}
service:
  pipelines:
    contract:
      receivers: [probe/target]
      processors: [validate, classify, redact]
      exporters: [debug]
`;
}

const DEBUG_ONLY = `exporters:
  debug: { verbosity: basic }`;

async function runCheck(config: string, extra: string[] = []): Promise<CheckRun> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-check-'));
  writeFileSync(join(dir, 'driftwatch.yaml'), config);
  const junit = join(dir, 'check.xml');
  const json = join(dir, 'check.json');
  const child = spawnAgent(
    [
      'check',
      '--config',
      join(dir, 'driftwatch.yaml'),
      '--data-dir',
      join(dir, 'data'),
      '--junit',
      junit,
      '--json',
      json,
      ...extra,
    ],
    { DRIFTWATCH_LOG_LEVEL: 'warn' },
  );
  const code = await child.exited;
  let report: CheckReport;
  try {
    report = JSON.parse(readFileSync(json, 'utf8')) as CheckReport;
  } catch {
    throw new Error(`check wrote no JSON report (exit ${code}):\n${child.stdout()}\n${child.stderr()}`);
  }
  return {
    code,
    stdout: child.stdout(),
    stderr: child.stderr(),
    json: report,
    junit: readFileSync(junit, 'utf8'),
    dir,
  };
}

async function withSimulator<T>(
  scenario: Record<string, unknown>,
  fn: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const sim = new ProviderSimulator(
    parseScenario({
      latency: { ttfb: { value: 5 }, first_token: { value: 5 }, chunk_gap: { value: 2 } },
      ...scenario,
    }),
  );
  const baseUrl = await sim.start();
  try {
    return await fn(baseUrl);
  } finally {
    await sim.stop();
  }
}

/** JUnit totals as read back by junit-report-merger. */
async function junitTotals(run: CheckRun): Promise<{ tests: number; failures: number; xml: string }> {
  const merged = join(run.dir, 'merged.xml');
  await mergeFiles(merged, [join(run.dir, 'check.xml')]);
  const xml = readFileSync(merged, 'utf8');
  const head = /<testsuites[^>]*>/.exec(xml)?.[0] ?? '';
  return {
    tests: Number(/tests="(\d+)"/.exec(head)?.[1]),
    failures: Number(/failures="(\d+)"/.exec(head)?.[1]),
    xml,
  };
}

describe('driftwatch check (real CLI, child process)', function () {
  this.timeout(60_000);

  describe('against the provider simulator', () => {
    it('a healthy provider: exit 0, a table, every probe size once, the error contract holds', async () => {
      const run = await withSimulator({}, (url) => runCheck(checkConfig(url, DEBUG_ONLY)));
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^RECEIVER\s+PROBE\s+KIND\s+RESULT\s+VERDICT/m);
      expect(run.stdout).to.contain('4 passed, 0 failed, 0 drift · exit 0');
      const rows = run.json.rows;
      expect(rows.map((r) => r.probe).sort()).to.deep.equal(['chat', 'chat', 'invalid', 'stream']);
      const invalid = rows.find((r) => r.kind === 'invalid_request')!;
      expect(invalid.outcome).to.equal('pass');
      expect(invalid.errorClass).to.equal('bad_request');
      expect(invalid.notes[0]).to.equal('error contract holds: bad_request, not retried');
      expect(run.stdout).to.contain('error contract holds');
      expect(run.json.telemetry).to.deep.equal([{ exporter: 'debug', ok: true }]);
      const j = await junitTotals(run);
      expect(j.tests).to.equal(5); // 4 probe results + 1 telemetry path
      expect(j.failures).to.equal(0);
    });

    it('--repeat 2 runs every probe twice', async () => {
      const run = await withSimulator({}, (url) => runCheck(checkConfig(url, DEBUG_ONLY), ['--repeat', '2']));
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.json.rows).to.have.length(8);
    });

    it('a contract violation on every answer (empty choices): exit 2, failures in JUnit', async () => {
      const run = await withSimulator({ drift: [{ mode: 'empty_choices', rate: 1 }] }, (url) =>
        runCheck(checkConfig(url, DEBUG_ONLY)),
      );
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      const chat = run.json.rows.filter((r) => r.kind === 'chat');
      expect(chat).to.have.length(2);
      for (const r of chat) expect(r.outcome).to.equal('fail');
      expect(run.stdout).to.match(/violation: \w+ choices/);
      const j = await junitTotals(run);
      expect(j.failures).to.be.at.least(2);
      expect(j.xml).to.contain('<failure');
    });

    it('drift only (an unknown finish_reason): exit 0 by default, 1 with --fail-on drift', async () => {
      const scenario = { drift: [{ mode: 'unknown_finish_reason', rate: 1, applies_to: 'non_stream' }] };
      const lax = await withSimulator(scenario, (url) => runCheck(checkConfig(url, DEBUG_ONLY)));
      expect(lax.code, lax.stdout + lax.stderr).to.equal(0);
      expect(lax.json.rows.filter((r) => r.outcome === 'drift').length).to.be.at.least(1);
      expect(lax.json.rows.some((r) => r.outcome === 'fail')).to.equal(false);
      const strict = await withSimulator(scenario, (url) =>
        runCheck(checkConfig(url, DEBUG_ONLY), ['--fail-on', 'drift']),
      );
      expect(strict.code, strict.stdout + strict.stderr).to.equal(1);
    });

    it('an exporter that cannot deliver is reported as a failed telemetry path (exit 2)', async () => {
      const dead = await freePort();
      const exporters = `exporters:
  debug: { verbosity: basic }
  otlp_http:
    endpoint: http://127.0.0.1:${dead}
    timeout: 2s
    retry_on_failure: { enabled: true, initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 500ms }`;
      const cfg = checkConfig('URL', exporters).replace(
        'exporters: [debug]',
        'exporters: [debug, otlp_http]',
      );
      const run = await withSimulator({}, (url) =>
        runCheck(cfg.replace('base_url: URL', `base_url: ${url}`)),
      );
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      const t = run.json.telemetry.find((x) => x.exporter === 'otlp_http');
      expect(t?.ok).to.equal(false);
      expect(run.stdout).to.match(/FAIL otlp_http: /);
      expect(run.json.rows.every((r) => r.outcome === 'pass')).to.equal(true);
      const j = await junitTotals(run);
      expect(j.failures).to.equal(1);
      expect(j.xml).to.match(/<testcase classname="telemetry" name="otlp_http"[^>]*>\s*<failure/);
    });
  });

  describe('with a proxy receiver (one synthetic call through the proxy)', () => {
    const proxyConfig = (upstream: string, endpoint: string) => `
receivers:
  proxy/app:
    endpoint: ${endpoint}
    upstream: ${upstream}
    provider: simulator
    check: { model: gpt-4o-mini, api_key: sk-check-secret-0000 }
processors:
  validate:
    contract: ${CONTRACT}
  classify: {}
  redact: {}
${DEBUG_ONLY}
service:
  pipelines:
    contract:
      receivers: [proxy/app]
      processors: [validate, classify, redact]
      exporters: [debug]
`;

    it('judges the call like a probe row, on a port of its own (the configured one may be taken)', async () => {
      // a running agent holds the configured endpoint: check must not need it
      const busy = createServer(() => {});
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
      const taken = `127.0.0.1:${(busy.address() as AddressInfo).port}`;
      try {
        const run = await withSimulator({}, (url) =>
          runCheck(proxyConfig(url.replace(/\/v1$/, ''), taken), ['--repeat', '2']),
        );
        expect(run.code, run.stdout + run.stderr).to.equal(0);
        expect(run.json.rows).to.have.length(2);
        for (const r of run.json.rows) {
          expect(r).to.include({
            receiver: 'proxy/app',
            probe: 'proxy',
            kind: 'proxy',
            outcome: 'pass',
            status: '200',
          });
          expect(r.verdict).to.equal('ok');
          expect(r.totalMs).to.be.a('number');
        }
        expect(run.json.skippedReceivers).to.deep.equal([]);
        expect(run.stdout).to.match(/^proxy\/app\s+proxy\s+proxy\s+PASS\s+ok\s+-\s+200/m);
        expect(run.stdout + run.stderr).not.to.contain('sk-check-secret');
      } finally {
        busy.close();
      }
    });

    it('a contract violation through the proxy fails the check (exit 2)', async () => {
      const run = await withSimulator({ drift: [{ mode: 'empty_choices', rate: 1 }] }, (url) =>
        runCheck(proxyConfig(url.replace(/\/v1$/, ''), '127.0.0.1:0')),
      );
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      expect(run.json.rows).to.have.length(1);
      expect(run.json.rows[0]).to.include({ receiver: 'proxy/app', outcome: 'fail' });
      expect(run.stdout).to.match(/violation: \w+ choices/);
    });

    it('an unreachable upstream is a failed row naming the proxy error (exit 2)', async () => {
      const port = await freePort();
      const run = await runCheck(proxyConfig(`http://127.0.0.1:${port}`, '127.0.0.1:0'));
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      expect(run.json.rows).to.have.length(1);
      expect(run.json.rows[0]).to.include({ receiver: 'proxy/app', outcome: 'fail' });
      expect(run.json.rows[0]).to.include({ status: 'ECONNREFUSED', errorClass: 'network' });
    });
  });

  describe('against a replayed fixture set (recorded provider bodies)', () => {
    let server: Server;
    let baseUrl: string;
    const served: string[] = [];
    before(async () => {
      // Recorded bytes: a non-stream answer, an SSE stream with usage, and a provider 400.
      const answer = readFileSync(join(FIXTURES, 'responses/openai-gpt4o-basic-stop.json'));
      const stream = splitEvents(
        readFileSync(join(FIXTURES, 'streams/openai-gpt4o-basic-include-usage.sse')),
      );
      const err = JSON.parse(
        readFileSync(join(FIXTURES, 'errors/openai-400-invalid-image-url.json'), 'utf8'),
      ) as {
        status: number;
        body: unknown;
      };
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            stream?: boolean;
            messages?: unknown;
          };
          if (!Array.isArray(body.messages)) {
            served.push('error');
            res.writeHead(err.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(err.body));
          } else if (body.stream) {
            served.push('stream');
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            for (const p of stream) res.write(p);
            res.end();
          } else {
            served.push('answer');
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(answer);
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('recorded OpenAI answers hold the contract; the recorded 400 is bad_request, not retried', async () => {
      const run = await runCheck(
        checkConfig(baseUrl, DEBUG_ONLY).replace('model: gpt-4o-mini', 'model: gpt-4o\n    max_tokens: 64'),
      );
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(served.sort()).to.deep.equal(['answer', 'answer', 'error', 'stream']);
      const invalid = run.json.rows.find((r) => r.kind === 'invalid_request')!;
      expect(invalid.notes[0]).to.equal('error contract holds: bad_request, not retried');
      expect(invalid.status).to.equal('400');
      const j = await junitTotals(run);
      expect(j.tests).to.equal(5);
      expect(j.failures).to.equal(0);
    });
  });
});
