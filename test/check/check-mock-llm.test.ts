// SPDX-License-Identifier: Apache-2.0
// `driftwatch check` (the real CLI, a child process) against `@dwmkerr/mock-llm`, an independent
// OpenAI-compatible server from npm, with probes of every kind. Its YAML rules play a server that
// refuses bad requests correctly, one that accepts a nonexistent model, one that answers a
// malformed request with llama-server's 500, and one that streams a rate-limit error event.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../../src/cli/check-report.js';
import { MockLlm, requireMockLlm } from '../../src/testing/mock-llm.js';
import { spawnAgent } from '../helpers/child-agent.js';

const contract = (p: string) =>
  new URL(`../../config/contracts/${p}-chat-completions.yaml`, import.meta.url).pathname;

const COMPLETION =
  '{"id":"chatcmpl-{{timestamp}}","object":"chat.completion","created":1764806400,"model":"{{jmes request body.model}}","choices":[{"index":0,"message":{"role":"assistant","content":"1 2 3","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}';
const rule = (match: string, status: number, content: string) => `  - path: /v1/chat/completions
    method: POST
    match: ${JSON.stringify(match)}
    response:
      status: ${status}
      content: '${content}'
`;
// last matching rule wins (mock-llm), so the catch-all completion comes first
const ANSWERS = `streaming: { chunkSize: 8, chunkIntervalMs: 5 }
rules:
${rule('@', 200, COMPLETION)}`;
const REFUSES_MODEL = rule(
  "body.model == 'driftwatch-probe-nonexistent-model'",
  404,
  '{"error":{"message":"The model `driftwatch-probe-nonexistent-model` does not exist.","type":"invalid_request_error","param":null,"code":"model_not_found"}}',
);
const REFUSES_PAYLOAD = rule(
  "type(body.messages) == 'string'",
  400,
  '{"error":{"message":"Invalid type for messages: expected an array.","type":"invalid_request_error","param":"messages","code":"invalid_type"}}',
);
// what llama-server answers when nlohmann::json cannot read `messages` as an array
const PAYLOAD_500 = rule(
  "type(body.messages) == 'string'",
  500,
  '{"error":{"code":500,"message":"[json.exception.type_error.302] type must be array, but is string","type":"server_error"}}',
);
const STREAM_RATE_LIMIT = rule(
  'body.stream == `true`',
  429,
  '{"error":{"message":"Rate limit reached for requests.","type":"requests","param":null,"code":"rate_limit_exceeded"}}',
);

const PROBES = `
      - { name: chat, kind: chat, interval: 1h }
      - { name: stream, kind: chat_stream, interval: 1h, include_usage: false }
      - { name: usage, kind: usage, interval: 1h }
      - { name: bad-model, kind: invalid_request, invalid: model, interval: 1h }
      - { name: bad-payload, kind: invalid_request, invalid: payload, interval: 1h }
      - { name: deadline, kind: timeout_boundary, interval: 1h }`;

function config(baseUrl: string, contractFile: string): string {
  return `
receivers:
  probe/mock:
    base_url: ${baseUrl}
    model: gpt-4o-mini
    start_jitter: false
    budget: { daily_tokens: 0, daily_requests: 0 }
    probes:${PROBES}
processors:
  validate:
    contract: ${contractFile}
  classify:
    contract: ${contractFile}
  redact: {}
exporters:
  debug: { verbosity: basic }
service:
  pipelines:
    contract:
      receivers: [probe/mock]
      processors: [validate, classify, redact]
      exporters: [debug]
`;
}

async function check(rules: string, contractFile: string) {
  const mock = new MockLlm();
  const dir = mkdtempSync(join(tmpdir(), 'dw-check-mock-'));
  try {
    await mock.start(rules);
    writeFileSync(join(dir, 'driftwatch.yaml'), config(mock.baseUrl, contractFile));
    const json = join(dir, 'check.json');
    const child = spawnAgent(
      ['check', '--config', join(dir, 'driftwatch.yaml'), '--data-dir', join(dir, 'data'), '--json', json],
      { DRIFTWATCH_LOG_LEVEL: 'warn' },
    );
    const code = await child.exited;
    let report: CheckReport;
    try {
      report = JSON.parse(readFileSync(json, 'utf8')) as CheckReport;
    } catch {
      throw new Error(`no JSON report (exit ${code}):\n${child.stdout()}\n${child.stderr()}\n${mock.output}`);
    }
    const row = (probe: string) => report.rows.find((r) => r.probe === probe)!;
    return { code, out: child.stdout() + child.stderr(), report, row };
  } finally {
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('driftwatch check against @dwmkerr/mock-llm (probes of every kind)', function () {
  this.timeout(90_000);
  before(function () {
    requireMockLlm(this);
  });

  it('a server that refuses bad requests correctly: every probe passes, exit 0', async () => {
    const run = await check(ANSWERS + REFUSES_MODEL + REFUSES_PAYLOAD, contract('openai'));
    expect(run.code, run.out).to.equal(0);
    expect(run.report.rows.map((r) => r.probe).sort()).to.deep.equal(
      ['bad-model', 'bad-payload', 'chat', 'deadline', 'stream', 'usage'].sort(),
    );
    for (const r of run.report.rows) expect(r.outcome, `${r.probe}: ${r.notes.join('; ')}`).to.equal('pass');
    for (const p of ['bad-model', 'bad-payload']) {
      const r = run.row(p);
      expect(r).to.include({ errorClass: 'bad_request', owner: 'application team', retryable: false });
      expect(r.notes[0]).to.equal('error contract holds: bad_request, not retried');
      expect(r.notes.join(' '), 'never a contract violation').to.not.include('violation');
    }
    expect(run.row('bad-model').status).to.equal('404');
    expect(run.row('deadline').notes[0]).to.include('expectation holds');
  });

  it('a server that accepts a nonexistent model: the invalid_request probe fails (llm_probe_success 0)', async () => {
    const run = await check(ANSWERS + REFUSES_PAYLOAD, contract('openai'));
    expect(run.code, run.out).to.not.equal(0);
    const r = run.row('bad-model');
    expect(r.outcome).to.equal('fail');
    expect(r.status).to.equal('200');
    expect(r.notes[0]).to.include('accepted_invalid_request');
    expect(run.row('bad-payload').outcome).to.equal('pass');
  });

  it("llama-server's 500 for a malformed request: pass with the llamacpp profile, fail without it", async () => {
    const rules = ANSWERS + REFUSES_MODEL + PAYLOAD_500;
    const profiled = await check(rules, contract('llamacpp'));
    const p = profiled.row('bad-payload');
    expect(p.outcome, p.notes.join('; ')).to.equal('pass');
    expect(p).to.include({ errorClass: 'bad_request', retryable: false, status: '500' });
    const plain = await check(rules, contract('openai'));
    const q = plain.row('bad-payload');
    expect(q.outcome).to.equal('fail');
    expect(q).to.include({ errorClass: 'upstream', retryable: true });
  });

  it('a rate-limit error event in a 200 stream (how mock-llm streams errors) is rate_limit, retried', async () => {
    const run = await check(
      ANSWERS + REFUSES_MODEL + REFUSES_PAYLOAD + STREAM_RATE_LIMIT,
      contract('openai'),
    );
    const s = run.row('stream');
    expect(s.status).to.equal('200');
    expect(s).to.include({
      outcome: 'fail',
      errorClass: 'rate_limit',
      owner: 'platform / capacity',
      retryable: true,
    });
    expect(run.row('chat').outcome).to.equal('pass');
  });
});
