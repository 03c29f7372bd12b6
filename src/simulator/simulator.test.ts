// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { formatAccessLine } from './access-log.js';
import { ConfigError } from '../component/errors.js';
import { loadScenarioFile, parseScenario, pickMode } from './scenario.js';
import { ProviderSimulator } from './server.js';

async function chat(base: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await request(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

describe('provider simulator', function () {
  this.timeout(30_000);

  it('is deterministic: the same seed and request order give the same modes', async () => {
    const scenario = {
      seed: 7,
      latency: { ttfb: { value: 0 }, first_token: { value: 0 } },
      errors: [{ mode: 'error_429', rate: 0.3 }],
      drift: [{ mode: 'usage_null', rate: 0.3 }],
    };
    const run = async () => {
      const modes: string[] = [];
      const sim = new ProviderSimulator(parseScenario(structuredClone(scenario)), {
        onServed: (e) => modes.push(e.mode),
      });
      const base = await sim.start();
      for (let i = 0; i < 20; i++) await chat(base, {});
      await sim.stop();
      return modes;
    };
    const a = await run();
    const b = await run();
    expect(a).to.deep.equal(b);
    expect(new Set(a).size, 'a mix, not one mode').to.be.greaterThan(1);
  });

  it('opens scheduled drift windows by time since start', () => {
    const s = parseScenario({
      drift: [{ mode: 'html_200', schedule: { every: '1m', for: '10s', offset: '30s' } }],
    });
    expect(pickMode(s, 10_000, 0.5, false)).to.equal('normal');
    expect(pickMode(s, 35_000, 0.5, false)).to.equal('html_200');
    expect(pickMode(s, 45_000, 0.5, false)).to.equal('normal');
    expect(pickMode(s, 95_000, 0.5, false)).to.equal('html_200');
  });

  it('serves a streamed answer with usage and [DONE], and drift modes change the shape', async () => {
    const sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 0 }, first_token: { value: 0 }, chunk_gap: { value: 0 } } }),
    );
    const base = await sim.start();
    try {
      const s = await chat(base, { stream: true, stream_options: { include_usage: true } });
      expect(s.headers['content-type']).to.match(/text\/event-stream/);
      expect(s.text.trim().endsWith('data: [DONE]')).to.equal(true);
      expect(s.text).to.match(/"choices":\[\],"usage":\{"prompt_tokens":29/);
      const nullUsage = JSON.parse((await chat(base, {}, { 'x-simulator-mode': 'usage_null' })).text) as {
        usage: unknown;
      };
      expect(nullUsage.usage).to.equal(null);
      const renamed = JSON.parse((await chat(base, {}, { 'x-simulator-mode': 'renamed_field' })).text) as {
        choices: Array<Record<string, unknown>>;
      };
      expect(renamed.choices[0])
        .to.have.property('stop_reason', 'stop')
        .and.not.have.property('finish_reason');
      const below = JSON.parse((await chat(base, {}, { 'x-simulator-mode': 'total_below_prompt' })).text) as {
        usage: { total_tokens: number; prompt_tokens: number };
      };
      expect(below.usage.total_tokens).to.be.below(below.usage.prompt_tokens);
      const comet = await chat(base, {}, { 'x-simulator-mode': 'error_500_invalid_request' });
      expect(comet.status).to.equal(500);
      expect(JSON.parse(comet.text)).to.deep.include({
        error: { message: '...', type: 'comet_api_error', param: '', code: 'invalid_request' },
      });
      const limited = await chat(base, {}, { 'x-simulator-mode': 'error_429' });
      expect(limited.headers['retry-after']).to.equal('20');
      const missingModel = await chat(base, { model: '' });
      expect(missingModel.status).to.equal(400);
    } finally {
      await sim.stop();
    }
  });

  it('writes an nginx-style access log of what it served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-sim-log-'));
    const log = join(dir, 'access.log');
    const sim = new ProviderSimulator(
      parseScenario({ access_log: log, latency: { ttfb: { value: 0 }, first_token: { value: 0 } } }),
    );
    const base = await sim.start();
    try {
      await chat(base, {}, { 'user-agent': 'probe "x"' });
      await chat(base, {}, { 'x-simulator-mode': 'error_503' });
    } finally {
      await sim.stop();
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    rmSync(dir, { recursive: true, force: true });
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(
      /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "POST \/v1\/chat\/completions HTTP\/1\.1" 200 \d+ "-" "probe \\x22x\\x22" \d+\.\d{3}$/,
    );
    expect(lines[1]).to.include('" 503 ');
  });

  it('reports every scenario problem at once', () => {
    try {
      parseScenario({
        seed: 'x',
        errors: [{ mode: 'error_999', rate: 0.1 }],
        drift: [{ mode: 'usage_null' }],
      });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError).and.include({ code: 'DW_ERR_CONFIG_INVALID' });
      const msg = (err as ConfigError).problems.join('\n');
      expect(msg).to.include('seed').and.include('error_999');
    }
    expect(() => parseScenario({ drift: [{ mode: 'usage_null' }] })).to.throw(/needs a rate or a schedule/);
    expect(() =>
      parseScenario({
        errors: [
          { mode: 'error_500', rate: 0.7 },
          { mode: 'error_503', rate: 0.7 },
        ],
      }),
    ).to.throw(/more than 1/);
  });

  it('ships a valid demo scenario', () => {
    const s = loadScenarioFile(new URL('../../config/scenarios/demo.yaml', import.meta.url).pathname);
    expect(s.rules.some((r) => r.schedule)).to.equal(true);
  });

  it('ships a quirk scenario that serves every quirk mode', async () => {
    const s = loadScenarioFile(new URL('../../config/scenarios/quirks.yaml', import.meta.url).pathname);
    const modes = new Set(s.rules.map((r) => r.mode));
    for (const m of [
      'error_500_bad_request',
      'error_200_envelope',
      'stream_error_invalid_request',
      'stream_error_rate_limit',
      'missing_refusal',
      'new_field',
      'continue_100',
    ])
      expect(modes.has(m), m).to.equal(true);
    // and they really are served: a bounded run of plain and streamed requests sees each one
    // the same scenario without its latency, so the bounded run is quick
    const fast = parseScenario({
      ...(parseYaml(
        readFileSync(new URL('../../config/scenarios/quirks.yaml', import.meta.url), 'utf8'),
      ) as object),
      latency: { ttfb: { value: 0 }, first_token: { value: 0 }, chunk_gap: { value: 0 } },
    });
    const served = new Set<string>();
    const sim = new ProviderSimulator(fast, { onServed: (e) => served.add(e.mode) });
    const base = await sim.start();
    try {
      for (let i = 0; i < 400 && [...modes].some((m) => !served.has(m)); i++)
        // plain undici rejects the unsolicited 100 (the probe's client does not): served all the same
        await chat(base, { stream: i % 2 === 1 }).catch(() => undefined);
    } finally {
      await sim.stop();
    }
    expect([...modes].filter((m) => !served.has(m))).to.deep.equal([]);
  });

  it('formats access lines with nginx escaping', () => {
    const line = formatAccessLine({
      remote: '127.0.0.1',
      time: new Date(Date.UTC(2026, 10, 26, 16, 8, 21)),
      method: 'POST',
      url: '/v1/chat/completions',
      httpVersion: '1.1',
      status: 200,
      bytes: 12,
      userAgent: 'a\tb',
      requestTimeMs: 203.4,
    });
    expect(line).to.equal(
      '127.0.0.1 - - [26/Nov/2026:16:08:21 +0000] "POST /v1/chat/completions HTTP/1.1" 200 12 "-" "a\\x09b" 0.203\n',
    );
  });
});
