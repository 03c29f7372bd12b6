// SPDX-License-Identifier: Apache-2.0
// End to end with real parts only: the agent (the real CLI as a child process) runs two proxy
// receivers, one in front of the provider simulator and one in front of `@dwmkerr/mock-llm` (a
// third-party OpenAI-compatible server). The `openai` SDK calls through the proxies, streaming
// and not, and directly: the answers must be the same, the calls judged and exported (debug
// exporter, Prometheus), and drift on real traffic (a renamed field, a missing answer) caught.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import OpenAI from 'openai';
import { ProviderSimulator } from '../src/simulator/server.js';
import { parseScenario } from '../src/simulator/scenario.js';
import { freePort, spawnAgent, waitFor } from './helpers/child-agent.js';
import type { ChildAgent } from './helpers/child-agent.js';

const KEY = 'sk-proxy-e2e-0123456789abcdef';
const ANSWER = 'pong from the simulator';

/** Fixed id and created: a direct and a proxied answer are then byte for byte the same. */
function mockRules(content: string): string {
  return `
streaming: { chunkSize: 4, chunkIntervalMs: 5 }
rules:
  - path: /v1/chat/completions
    method: POST
    match: '@'
    response:
      status: 200
      content: '${content}'
`;
}
const MOCK_OK =
  '{"id":"chatcmpl-fixed","object":"chat.completion","created":1700000000,"model":"{{jmes request body.model}}",' +
  '"choices":[{"index":0,"message":{"role":"assistant","content":"echo {{jmes request body.messages[-1].content}}"},"finish_reason":"stop"}],' +
  '"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}';
/** Drift a real application would break on: the answer moved from `message.content` to `text`. */
const MOCK_DRIFT =
  '{"id":"chatcmpl-fixed","object":"chat.completion","created":1700000000,"model":"{{jmes request body.model}}",' +
  '"choices":[{"index":0,"text":"moved","finish_reason":"stop"}],' +
  '"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}';

function mockLlmMain(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    const pkg = req.resolve('@dwmkerr/mock-llm/package.json');
    const main = join(dirname(pkg), 'dist', 'main.js');
    return existsSync(main) ? main : undefined;
  } catch {
    return undefined;
  }
}

function sum(metrics: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function streamed(
  client: OpenAI,
  model: string,
  prompt: string,
): Promise<{ text: string; chunks: number; finish: string[] }> {
  const s = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let chunks = 0;
  const finish: string[] = [];
  for await (const c of s) {
    chunks++;
    for (const ch of c.choices) {
      text += ch.delta?.content ?? '';
      if (ch.finish_reason) finish.push(ch.finish_reason);
    }
  }
  return { text, chunks, finish };
}

describe('e2e: real calls through the proxy receiver (openai SDK → agent → simulator / mock-llm)', function () {
  this.timeout(120_000);
  let dir: string;
  let sim: ProviderSimulator;
  let mock: ChildProcess | undefined;
  let agent: ChildAgent | undefined;
  let mockBase: string;
  let simRoot: string;
  let simProxy: string;
  let mockProxy: string;
  let promUrl: string;

  before(async function () {
    const main = mockLlmMain();
    if (!main) {
      if (process.env.CI === 'true')
        throw new Error('@dwmkerr/mock-llm is not installed (npm ci installs it)');
      console.warn('SKIPPED: @dwmkerr/mock-llm is not installed; run npm ci');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'dw-proxy-e2e-'));
    sim = new ProviderSimulator(
      parseScenario({
        name: 'proxy-e2e',
        seed: 19,
        api_key: KEY,
        answer: ANSWER,
        header_override: true,
        latency: { ttfb: { value: '2ms' }, first_token: { value: '2ms' }, chunk_gap: { value: '2ms' } },
      }),
    );
    simRoot = (await sim.start()).replace(/\/v1$/, '');
    const mockPort = await freePort();
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, mockRules(MOCK_OK));
    mock = spawn(process.execPath, [main!, '--config', rules], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(mockPort) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    mockBase = `http://127.0.0.1:${mockPort}`;
    await waitFor(
      'mock-llm',
      async () => ((await fetch(`${mockBase}/config`)).ok ? true : undefined),
      30_000,
    );

    const [p1, p2, prom, health] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    simProxy = `http://127.0.0.1:${p1}/v1`;
    mockProxy = `http://127.0.0.1:${p2}/v1`;
    promUrl = `http://127.0.0.1:${prom}/metrics`;
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `
receivers:
  proxy/sim:
    endpoint: 127.0.0.1:${p1}
    upstream: ${simRoot}
    provider: simulator
  proxy/mock:
    endpoint: 127.0.0.1:${p2}
    upstream: ${mockBase}
    provider: mockllm
processors:
  validate:
    contract: config/contracts/openai-chat-completions.yaml
  classify: {}
  redact: {}
exporters:
  debug:
    verbosity: detailed
  prometheus:
    endpoint: 127.0.0.1:${prom}
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [proxy/sim, proxy/mock]
      processors: [validate, classify, redact]
      exporters: [debug, prometheus]
`,
    );
    agent = spawnAgent(['run', '--config', config, '--data-dir', join(dir, 'data')]);
    await waitFor(
      'the agent',
      async () => ((await fetch(`http://127.0.0.1:${health}/healthz`)).status === 200 ? true : undefined),
      60_000,
    );
  });

  after(async () => {
    agent?.proc.kill('SIGTERM');
    if (agent) await Promise.race([agent.exited, new Promise((r) => setTimeout(r, 10_000))]);
    agent?.proc.kill('SIGKILL');
    mock?.kill('SIGTERM');
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const metrics = async (): Promise<string> => (await fetch(promUrl)).text();

  it('mock-llm: the same bytes through the proxy as direct, stream and not, every call judged', async () => {
    const direct = new OpenAI({ baseURL: `${mockBase}/v1`, apiKey: KEY, maxRetries: 0 });
    const via = new OpenAI({ baseURL: mockProxy, apiKey: KEY, maxRetries: 0 });
    const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }] };
    const a = await direct.chat.completions.create(ask).asResponse();
    const b = await via.chat.completions.create(ask).asResponse();
    expect(b.status).to.equal(a.status);
    const [ta, tb] = [await a.text(), await b.text()];
    expect(tb).to.equal(ta);
    expect(JSON.parse(tb).choices[0].message.content).to.equal('echo hello there');
    const sa = await streamed(direct, 'gpt-4o-mini', 'stream me please');
    const sb = await streamed(via, 'gpt-4o-mini', 'stream me please');
    expect(sb).to.deep.equal(sa);
    expect(sb.text).to.equal('echo stream me please');
    expect(sb.chunks).to.be.greaterThan(3);
    await waitFor(
      'two judged mock-llm records',
      async () =>
        sum(await metrics(), 'llm_contract_verdict_total', { source: 'proxy', provider: 'mockllm' }) >= 2
          ? true
          : undefined,
      20_000,
    );
    expect(agent!.stdout()).to.include('proxy/mock');
  });

  it('simulator: the same answers through the proxy as direct, stream and not; records reach the exporters', async () => {
    const direct = new OpenAI({ baseURL: `${simRoot}/v1`, apiKey: KEY, maxRetries: 0 });
    const via = new OpenAI({ baseURL: simProxy, apiKey: KEY, maxRetries: 0 });
    const ask = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'ping' }],
      max_tokens: 16,
    };
    const a = await direct.chat.completions.create(ask);
    const b = await via.chat.completions.create(ask);
    expect(b.choices.map((c) => [c.message.content, c.finish_reason])).to.deep.equal(
      a.choices.map((c) => [c.message.content, c.finish_reason]),
    );
    expect(b.model).to.equal(a.model);
    expect(Object.keys(b).sort()).to.deep.equal(Object.keys(a).sort());
    const sa = await streamed(direct, 'gpt-4o-mini', 'ping');
    const sb = await streamed(via, 'gpt-4o-mini', 'ping');
    expect(sb).to.deep.equal(sa);
    expect(sb.text).to.include('pong');
    // a wrong key: the upstream's 401 reaches the SDK as the upstream sent it
    const bad = new OpenAI({ baseURL: simProxy, apiKey: 'sk-wrong-key-000000000000', maxRetries: 0 });
    const err = await bad.chat.completions.create(ask).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(OpenAI.AuthenticationError);
    await waitFor(
      'the simulator records, judged ok, and the 401 classified',
      async () => {
        const m = await metrics();
        const ok = sum(m, 'llm_contract_verdict_total', {
          source: 'proxy',
          provider: 'simulator',
          verdict: 'ok',
        });
        const auth = sum(m, 'llm_error_total', { source: 'proxy', error_class: 'auth' });
        return ok >= 2 && auth >= 1 ? true : undefined;
      },
      20_000,
    );
  });

  it('drift on real traffic is caught: a renamed field (simulator), a moved answer (mock-llm)', async () => {
    const via = new OpenAI({ baseURL: simProxy, apiKey: KEY, maxRetries: 0 });
    const before = sum(await metrics(), 'llm_contract_verdict_total', {
      source: 'proxy',
      provider: 'simulator',
    });
    const beforeOk = sum(await metrics(), 'llm_contract_verdict_total', {
      source: 'proxy',
      provider: 'simulator',
      verdict: 'ok',
    });
    for (let i = 0; i < 3; i++)
      await via.chat.completions
        .create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }] },
          { headers: { 'x-simulator-mode': 'renamed_field' } },
        )
        .catch(() => undefined);
    await waitFor(
      'the renamed field judged as not ok',
      async () => {
        const m = await metrics();
        const all = sum(m, 'llm_contract_verdict_total', { source: 'proxy', provider: 'simulator' });
        const ok = sum(m, 'llm_contract_verdict_total', {
          source: 'proxy',
          provider: 'simulator',
          verdict: 'ok',
        });
        return all - before >= 3 && ok === beforeOk ? true : undefined;
      },
      20_000,
    );
    const res = await fetch(`${mockBase}/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-yaml' },
      body: mockRules(MOCK_DRIFT),
    });
    expect(res.ok).to.equal(true);
    const viaMock = new OpenAI({ baseURL: mockProxy, apiKey: KEY, maxRetries: 0 });
    const moved = await viaMock.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(moved.choices[0]!.message).to.equal(undefined); // what the application now reads
    await waitFor(
      'the moved answer judged a violation',
      async () =>
        sum(await metrics(), 'llm_contract_verdict_total', {
          source: 'proxy',
          provider: 'mockllm',
          verdict: 'violation',
        }) >= 1
          ? true
          : undefined,
      20_000,
    );
    expect(agent!.stdout()).to.match(/violation/);
    // nothing of the prompt or the key reached the debug output
    expect(agent!.stdout()).to.not.include(KEY);
    expect(agent!.stdout()).to.not.include('stream me please');
  });

  it("the SDK's own retry is seen on real traffic: a 429, then the retried call answered", async () => {
    // mock-llm answers its next call 429 (an OpenAI rate-limit envelope) and the one after 200
    const limited =
      '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}';
    await fetch(`${mockBase}/config`, { method: 'DELETE' }); // its sequence counters start again
    const res = await fetch(`${mockBase}/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-yaml' },
      body: `
rules:
  - path: /v1/chat/completions
    method: POST
    sequence: 0
    response: { status: 429, content: '${limited}' }
  - path: /v1/chat/completions
    method: POST
    sequence: 1
    response: { status: 200, content: '${MOCK_OK}' }
`,
    });
    expect(res.ok).to.equal(true);
    const labels = { source: 'proxy', provider: 'mockllm' };
    const before = await metrics();
    const fallbacks = sum(before, 'llm_fallback_activation_total', labels);
    const recovered = sum(before, 'llm_retry_success_after_failure_total', labels);
    const via = new OpenAI({ baseURL: mockProxy, apiKey: KEY, maxRetries: 2 });
    const answer = await via.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'retry me' }],
    });
    expect(answer.choices[0]!.message.content).to.equal('echo retry me');
    // two attempts through the proxy, one call that needed a second attempt and got its answer
    await waitFor(
      'the retry counted',
      async () => {
        const m = await metrics();
        return sum(m, 'llm_retry_success_after_failure_total', labels) === recovered + 1 ? m : undefined;
      },
      20_000,
    ).then((m) => expect(sum(m, 'llm_fallback_activation_total', labels)).to.equal(fallbacks + 1));
    await fetch(`${mockBase}/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-yaml' },
      body: mockRules(MOCK_OK),
    });
  });
});
