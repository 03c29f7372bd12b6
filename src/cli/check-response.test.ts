// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessorFactory } from '../component/factory.js';
import { Registry } from '../pipeline/registry.js';
import { classifyProcessorFactory } from '../processors/classify/index.js';
import { validateProcessorFactory } from '../processors/validate/index.js';
import { main } from './main.js';

const FIX = 'test/fixtures/llm';
const COMET = 'config/contracts/cometapi-chat-completions.yaml';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { io: { out: (t) => (out += t), err: (t) => (err += t), env: {} } });
  return { code, out, err };
}

describe('driftwatch check-response', () => {
  it('exit 0 for an ok body, 1 for drift, 2 for a violation', async () => {
    const ok = await cli([
      'check-response',
      '--contract',
      COMET,
      `${FIX}/responses/cometapi-doc-gpt41nano-2026.json`,
    ]);
    expect([ok.code, ok.out]).to.satisfy(([c, o]: [number, string]) => c === 0 && o.includes('verdict:  ok'));
    const drift = await cli([
      'check-response',
      '--contract',
      COMET,
      `${FIX}/responses/groq-kimik2-2026-service-tier-on_demand.json`,
    ]);
    expect(drift.code).to.equal(1);
    expect(drift.out).to.include('service_tier');
    const violation = await cli([
      'check-response',
      '--contract',
      COMET,
      `${FIX}/streams/litellm-proxy-partial-usage-on-every-chunk.sse`,
    ]);
    expect(violation.code).to.equal(2);
    expect(violation.out).to.include('no_done');
  });

  it('--json prints the verdict, findings and class, and never body text', async () => {
    const r = await cli([
      'check-response',
      '--json',
      '--contract',
      COMET,
      `${FIX}/streams/openai-gpt4o-basic-include-usage.sse`,
      '--include-usage',
    ]);
    const doc = JSON.parse(r.out) as { verdict: string; shapeHash: string; usage: { totalTokens: number } };
    expect(doc.verdict).to.equal('ok');
    expect(doc.shapeHash).to.match(/^[0-9a-f]{16}$/);
    expect(doc.usage.totalTokens).to.be.greaterThan(0);
    expect(r.out).to.not.include('delta');
  });

  it('judges error bodies with --status and HTML with a redirect class', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-check-'));
    try {
      writeFileSync(
        join(dir, 'e.json'),
        JSON.stringify({
          error: { code: 'invalid_request', message: 'x', type: 'comet_api_error', param: '' },
        }),
      );
      const e = await cli(['check-response', '--contract', COMET, '--status', '500', join(dir, 'e.json')]);
      expect(e.code).to.equal(0);
      expect(e.out).to.include('class:    bad_request (invalid_request_500)');
      writeFileSync(join(dir, 'p.html'), '<!DOCTYPE html><html><body>moved</body></html>');
      const h = await cli(['check-response', '--contract', COMET, join(dir, 'p.html')]);
      expect(h.code).to.equal(2);
      expect(h.out).to.include('class:    redirect');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('usage mistakes and unreadable input exit 3 with a message', async () => {
    expect((await cli(['check-response', `${FIX}/responses/openai-gpt4o-basic-stop.json`])).code).to.equal(3);
    const missing = await cli(['check-response', '--contract', COMET, '/no/such/file.json']);
    expect([missing.code, missing.err]).to.satisfy(
      ([c, e]: [number, string]) => c === 3 && e.includes('ENOENT'),
    );
    const bad = await cli([
      'check-response',
      '--contract',
      'nope.yaml',
      `${FIX}/responses/openai-gpt4o-basic-stop.json`,
    ]);
    expect(bad.code).to.equal(3);
    expect(bad.err).to.include('contract file not found');
  });
});

describe('driftwatch check-response builds through the registry', () => {
  it('creates validate and classify with their factories, fresh per file, from loaded configs', async () => {
    const created: Array<{ type: string; config: unknown }> = [];
    const spy = <F extends ProcessorFactory>(f: F): F => ({
      ...f,
      create: (settings, config, next) => {
        created.push({ type: f.type, config });
        return f.create(settings, config, next);
      },
    });
    const registry = new Registry([spy(validateProcessorFactory), spy(classifyProcessorFactory)]);
    let out = '';
    const code = await main(
      [
        'check-response',
        '--contract',
        COMET,
        '--json',
        `${FIX}/responses/cometapi-doc-gpt41nano-2026.json`,
        `${FIX}/responses/groq-kimik2-2026-service-tier-on_demand.json`,
      ],
      { io: { out: (t) => (out += t), err: () => {}, env: {} }, registry },
    );
    expect(code).to.equal(1);
    expect(out.trim().split('\n')).to.have.length(2);
    expect(created.map((c) => c.type)).to.deep.equal(['classify', 'validate', 'classify', 'validate']);
    const vc = created[1].config as { contract: string; shapes: { persist: boolean } };
    expect([vc.contract, vc.shapes.persist]).to.deep.equal([COMET, false]);
    expect(Object.isFrozen(vc.shapes), 'a loaded config is frozen').to.equal(true);
  });

  it('says so when the build has no validate processor', async () => {
    let err = '';
    const code = await main(
      ['check-response', '--contract', COMET, `${FIX}/responses/cometapi-doc-gpt41nano-2026.json`],
      {
        io: { out: () => {}, err: (t) => (err += t), env: {} },
        registry: new Registry([classifyProcessorFactory]),
      },
    );
    expect(code).to.equal(3);
    expect(err).to.include('needs the validate and classify processors');
  });
});
