// SPDX-License-Identifier: Apache-2.0
// Bounded work per body (issue 16): the hostile mix — a 400,000-deep array, 10,000 choices, a
// 60,000-key object, a 6,000-event stream, each under the 1 MiB body limit — served by the
// simulator over loopback, read by the real probe receiver and the proxy receiver, judged by the
// real validate and classify processors, and copied the way fan-out copies records. Outcomes
// only (no timings): the bodies over the JSON limits become clear findings and counted unjudged
// calls, never a stack overflow; the long stream is judged by its first and last chunks.
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { consumerFromFn } from '../src/component/consumer.js';
import { cloneRecords } from '../src/model/call-record.js';
import type { CallRecord, ResponseInfo } from '../src/model/call-record.js';
import { classifyBody } from '../src/http-call/classify-text.js';
import { classifyProcessorFactory } from '../src/processors/classify/index.js';
import { validateProcessorFactory } from '../src/processors/validate/index.js';
import { proxyReceiverFactory } from '../src/receivers/proxy/index.js';
import { ProxyReceiver } from '../src/receivers/proxy/proxy-receiver.js';
import { deepBody } from '../src/simulator/hostile.js';
import { parseScenario } from '../src/simulator/scenario.js';
import { ProviderSimulator } from '../src/simulator/server.js';
import { SelfMetrics } from '../src/telemetry/self-metrics.js';
import { nopHost, testSettings } from '../src/testing/nop-host.js';
import { probeOnce } from '../src/testing/probe-once.js';

const sink = consumerFromFn(async () => {});

async function judged(records: CallRecord[]): Promise<CallRecord[]> {
  await Promise.all([validateProcessorFactory.load?.(), classifyProcessorFactory.load?.()]);
  const v = validateProcessorFactory.create(
    testSettings('processor', 'validate'),
    {
      ...validateProcessorFactory.createDefaultConfig(),
      shapes: { ...validateProcessorFactory.createDefaultConfig().shapes, persist: false },
    },
    sink,
  );
  const c = classifyProcessorFactory.create(
    testSettings('processor', 'classify'),
    classifyProcessorFactory.createDefaultConfig(),
    sink,
  );
  await v.consume(records, { signal: new AbortController().signal } as never);
  await c.consume(records, { signal: new AbortController().signal } as never);
  return records;
}

describe('hostile bodies: bounded work per body', function () {
  this.timeout(60_000);
  let sim: ProviderSimulator;
  let base: string;
  before(async () => {
    sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 0 }, first_token: { value: 0 } } }),
    );
    base = await sim.start();
  });
  after(() => sim.stop());

  const probe = async (mode: string, kind = 'chat') => {
    const { records } = await probeOnce({
      base_url: base,
      headers: { 'x-simulator-mode': mode },
      probes: [{ name: 'p', kind, interval: '1h' }],
    });
    expect(records, `a record for ${mode}`).to.have.length(1);
    return (await judged(records))[0];
  };

  it('a 400,000-deep array is not parsed: a violation naming it, class parse, and it copies safely', async () => {
    const r = await probe('deep_body');
    expect(r.response.status).to.equal(200);
    expect(r.response.parse).to.equal('too_deep');
    expect(r.response.body).to.equal(undefined);
    expect(r.findings.verdict).to.equal('violation');
    expect(r.findings.items.map((i) => i.note)).to.include('body_too_deep');
    expect(r.findings.errorClass).to.equal('parse');
    expect(r.findings.subReason).to.equal('body_too_complex');
    // fan-out's structured clone used to overflow the stack on this body
    expect(() => cloneRecords([r])).to.not.throw();
  });

  for (const mode of ['many_choices', 'many_keys']) {
    it(`${mode}: over the value limit, not parsed, a clear finding`, async () => {
      const r = await probe(mode);
      expect(r.response.parse).to.equal('too_many_values');
      expect(r.findings.items.map((i) => i.note)).to.include('body_too_many_values');
      expect(r.findings.subReason).to.equal('body_too_complex');
    });
  }

  it('an HTML page full of brackets is still HTML, not a body over the JSON limits', () => {
    const page = Buffer.from(`<!doctype html><script>var a=${'['.repeat(500)}${']'.repeat(500)};</script>`);
    const response: ResponseInfo = { headers: {}, contentType: 'text/html' };
    classifyBody(page, response);
    expect(response.parse).to.equal('html');
    const untyped: ResponseInfo = { headers: {} };
    classifyBody(page, untyped);
    expect(untyped.parse).to.equal('html');
  });

  it('the same bodies are judged when the limits are raised (the limit, not the body, decided)', async () => {
    const { records } = await probeOnce({
      base_url: base,
      headers: { 'x-simulator-mode': 'many_choices' },
      probes: [{ name: 'p', kind: 'chat', interval: '1h' }],
      max_json_values: 100_000,
    });
    const [r] = await judged(records);
    expect(r.response.parse).to.equal('json');
    expect((r.response.body as { choices: unknown[] }).choices).to.have.length(10_000);
  });

  it('a 6,000-event stream keeps its first and last chunks: judged whole, finish reason found', async () => {
    const r = await probe('long_stream', 'chat_stream');
    expect(r.response.parse).to.equal('sse');
    expect(r.timings.chunkCount).to.equal(6_003);
    const kept = r.response.stream?.chunks ?? [];
    expect(kept.length).to.equal(1000);
    expect(r.response.finishReasons).to.deep.equal(['stop']);
    const notes = r.findings.items.map((i) => `${i.path}:${i.note}`);
    expect(notes.join(' ')).to.not.match(/stream_no_finish|finish_reason:read_path/);
    expect(r.findings.verdict, JSON.stringify(r.findings.items)).to.not.equal('violation');
  });

  it('through the proxy: a 400,000-deep answer reaches the client byte for byte, unjudged and counted', async () => {
    const metrics = new SelfMetrics();
    const records: CallRecord[] = [];
    const proxy = new ProxyReceiver(
      testSettings('receiver', 'proxy/hostile', { metrics }),
      {
        ...proxyReceiverFactory.createDefaultConfig(),
        endpoint: '127.0.0.1:0',
        upstream: base.replace(/\/v1$/, ''),
      },
      consumerFromFn(async (b) => void records.push(...b)),
    );
    await proxy.start(nopHost(metrics));
    try {
      const body = await new Promise<Buffer>((resolve, reject) => {
        const req = httpRequest(
          `http://127.0.0.1:${proxy.address!.port}/v1/chat/completions`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-simulator-mode': 'deep_body' },
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve(Buffer.concat(parts)));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
      });
      expect(body.equals(deepBody('gpt-4o-mini'))).to.equal(true);
      const until = Date.now() + 5000;
      while (records.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(records).to.have.length(1);
      expect(records[0].response.parse).to.equal('too_deep');
      expect(metrics.sum('driftwatch_proxy_unjudged_calls_total', { reason: 'too_complex' })).to.equal(1);
    } finally {
      await proxy.shutdown({ deadline: Date.now() + 2000 });
    }
  });
});
