// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { consumerFromFn } from '../../component/consumer.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';
import { testSettings } from '../../testing/nop-host.js';
import { validateProcessorFactory } from './index.js';
import { ValidateProcessor } from './validate-processor.js';

function make(): ValidateProcessor {
  const c = validateProcessorFactory.createDefaultConfig();
  return new ValidateProcessor(
    testSettings('processor', 'validate'),
    { ...c, shapes: { ...c.shapes, enabled: false } },
    consumerFromFn(async () => {}),
  );
}

function ok200(): CallRecord {
  const r = newCallRecord(
    'probe',
    'probe/t',
    { provider: 'openai', endpoint: '/v1/chat/completions' },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      synthetic: true,
      maxTokens: 16,
    },
  );
  r.response.status = 200;
  r.response.parse = 'json';
  r.response.headers = { 'x-request-id': 'req_abc' };
  r.response.body = {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'pong.', refusal: null }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  };
  return r;
}

const body = (r: CallRecord) => r.response.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const notes = (r: CallRecord) => r.findings.items.map((i) => `${i.level}:${i.path}:${i.note ?? ''}`);

describe('validate processor', () => {
  const v = make();

  it('ok call: verdict ok, usage and request id tied to the record, review age set', () => {
    const r = ok200();
    v.process([r]);
    expect(r.findings.verdict).to.equal('ok');
    expect(r.findings.responseSchemaValid).to.equal(true);
    expect(r.response.usage).to.include({
      promptTokens: 10,
      completionTokens: 2,
      totalTokens: 12,
      origin: 'body',
    });
    expect(r.response.requestId).to.equal('req_abc');
    expect(r.response.model).to.equal('gpt-4o-mini-2024-07-18');
    expect(r.findings.contractReviewAgeDays).to.be.a('number');
  });

  it('HTTP 200 with schema failure: missing choices, empty content, missing usage', () => {
    const a = ok200();
    delete body(a).choices;
    const b = ok200();
    body(b).choices[0].message.content = '';
    const c = ok200();
    delete body(c).usage;
    v.process([a, b, c]);
    expect(a.findings.verdict).to.equal('violation');
    expect(a.findings.responseSchemaValid).to.equal(false);
    expect(notes(a)).to.include('violation:choices:schema:required');
    expect([b.findings.verdict, notes(b)]).to.deep.equal([
      'violation',
      ['violation:choices[0].message.content:empty_content'],
    ]);
    expect(c.findings.verdict).to.equal('violation');
    expect(notes(c)).to.include('violation:usage:usage_missing');
  });

  it('usage checks: negative / non-integer counts, total < prompt, total != sum (warning), over max_tokens (drift)', () => {
    const neg = ok200();
    body(neg).usage.completion_tokens = -1;
    const lt = ok200();
    body(lt).usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 5 };
    const ne = ok200();
    body(ne).usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 20 };
    const over = ok200();
    body(over).usage = { prompt_tokens: 10, completion_tokens: 40, total_tokens: 50 };
    v.process([neg, lt, ne, over]);
    expect(neg.findings.verdict).to.equal('violation');
    expect(notes(lt)).to.include('violation:usage.total_tokens:total_lt_prompt');
    expect([ne.findings.verdict, notes(ne)]).to.deep.equal([
      'ok',
      ['warning:usage.total_tokens:total_ne_sum'],
    ]);
    expect([over.findings.verdict, notes(over)]).to.deep.equal([
      'drift',
      ['drift:usage.completion_tokens:completion_gt_max_tokens'],
    ]);
  });

  it('unknown finish_reason is drift', () => {
    const r = ok200();
    body(r).choices[0].finish_reason = 'eos';
    v.process([r]);
    expect(r.findings.verdict).to.equal('drift');
    expect(notes(r)).to.include('drift:choices[].finish_reason:eos');
  });

  it('request side: the request body must contain the minimum body of the contract', () => {
    const good = ok200();
    good.request.requestBody = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: false };
    const bad = ok200();
    bad.request.requestBody = { messages: 'hi' };
    v.process([good, bad]);
    expect(good.findings.requestSchemaValid).to.equal(true);
    expect(bad.findings.requestSchemaValid).to.equal(false);
    expect(bad.findings.verdict).to.equal('violation');
    expect(bad.findings.items.map((i) => `${i.kind}:${i.path}`)).to.include.members([
      'missing:request.model',
      'type:request.messages',
    ]);
  });

  it('non-JSON 200, redirects, HTML error pages', () => {
    const html = ok200();
    html.response.body = undefined;
    html.response.parse = 'html';
    const redirect = ok200();
    redirect.response.status = 301;
    redirect.response.body = undefined;
    v.process([html, redirect]);
    expect(notes(html)).to.deep.equal(['violation:$:body_html']);
    expect(notes(redirect)).to.deep.equal(['violation:$:redirect']);
  });

  it('records with any subset of fields absent are judged or left unjudged, never thrown on', () => {
    const accessLog = newCallRecord(
      'access_log',
      'access_log/gw',
      { provider: 'cometapi', endpoint: '/v1/chat/completions' },
      {
        method: 'POST',
        route: '/v1/chat/completions',
        synthetic: false,
      },
    );
    accessLog.response.status = 200;
    accessLog.response.parse = 'not_read';
    const transport = ok200();
    transport.response = { headers: {} };
    transport.transportError = { code: 'ECONNREFUSED' };
    const bare = { source: 'probe', receiver: 'x', startTimeMs: 0 } as unknown as CallRecord;
    const event = ok200();
    event.event = { name: 'docs.changed', attributes: {} };
    const snapshot = JSON.stringify(event);
    v.process([accessLog, transport, bare, event]);
    expect(accessLog.findings.verdict).to.equal(undefined);
    expect(transport.findings.verdict).to.equal(undefined);
    expect(bare.findings.items).to.deep.equal([]);
    expect(JSON.stringify(event)).to.equal(snapshot);
  });

  it('an unloadable contract named by a receiver falls back to the default and is counted', () => {
    const r = ok200();
    r.target.contract = 'does/not/exist.yaml';
    v.process([r]);
    expect(r.findings.verdict).to.equal('ok');
  });

  it('config validation reports a broken contract path', () => {
    const c = validateProcessorFactory.createDefaultConfig();
    c.contract = 'nope.yaml';
    const problems = validateProcessorFactory.validate!(c, { configDir: '.' });
    expect(problems[0].path).to.deep.equal(['contract']);
    expect(problems[0].message).to.include('not found');
  });

  it('streams summarised without chunks are still judged as a whole', () => {
    const mk = (fill: (r: CallRecord) => void) => {
      const r = ok200();
      r.request.stream = true;
      r.request.includeUsage = true;
      r.response.body = undefined;
      r.response.parse = 'sse';
      r.response.stream = {
        events: 5,
        dataChunks: 4,
        comments: 0,
        sawDone: true,
        anomalies: [],
        contentChars: 5,
      };
      r.response.finishReasons = ['stop'];
      r.response.usage = { promptTokens: 10, completionTokens: 2, totalTokens: 12, origin: 'final_chunk' };
      fill(r);
      return r;
    };
    const good = mk(() => undefined);
    const noFinish = mk((r) => (r.response.finishReasons = []));
    const empty = mk((r) => (r.response.stream!.contentChars = 0));
    const noUsage = mk((r) => (r.response.usage = undefined));
    v.process([good, noFinish, empty, noUsage]);
    expect(good.findings.verdict).to.equal('ok');
    expect(notes(noFinish)).to.include('violation:choices[0].finish_reason:stream_no_finish');
    expect(notes(empty)).to.include('violation:choices[0].delta.content:empty_content');
    expect(notes(noUsage)).to.include('violation:usage:usage_missing');
  });
});
