// SPDX-License-Identifier: Apache-2.0
// Records judged by the real validate and classify processors count once, in exactly one of
// schema-valid / schema-invalid, and the metric agrees with schemaJudgement() (issue 13 item 1).
import { expect } from 'chai';
import { validateAndClassify } from '../testing/validate-classify.js';
import { newCallRecord } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';
import type { MetricSink } from './record-metrics.js';
import type { MetricDef } from './names.js';
import { CONTRACT } from './names.js';
import { recordMetrics } from './record-metrics.js';
import { schemaJudgement } from './schema-judgement.js';

function judged(fill: (r: CallRecord) => void, kind = 'chat'): CallRecord {
  const r = newCallRecord(
    'probe',
    'probe/t',
    { provider: 'openai', endpoint: '/v1/chat/completions' },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      synthetic: true,
      probe: kind,
      probeKind: kind,
      model: 'm',
    },
  );
  fill(r);
  return validateAndClassify(r);
}

const completion = (usage: unknown) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
  usage,
});

function json(body: unknown, status = 200) {
  return (r: CallRecord) => {
    r.response.status = status;
    r.response.parse = 'json';
    r.response.contentType = 'application/json';
    r.response.body = body;
  };
}

function counted(r: CallRecord): { valid: number; invalid: number } {
  const out = { valid: 0, invalid: 0 };
  const sink = {
    add(def: MetricDef, v: number) {
      if (def === CONTRACT.responseSchemaValid) out.valid += v;
      if (def === CONTRACT.responseSchemaInvalid) out.invalid += v;
    },
  } as MetricSink;
  recordMetrics(sink, r);
  return out;
}

const cases: Array<[string, CallRecord, 'valid' | 'invalid' | undefined]> = [
  [
    'a good 200',
    judged(json(completion({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }))),
    'valid',
  ],
  ['a 200 with usage null (verdict violation)', judged(json(completion(null))), 'invalid'],
  [
    'an HTML 200 where JSON was expected',
    judged((r) => {
      r.response.status = 200;
      r.response.parse = 'html';
      r.response.contentType = 'text/html';
    }),
    'invalid',
  ],
  [
    'a 200 whose body is not JSON',
    judged((r) => {
      r.response.status = 200;
      r.response.parse = 'invalid_json';
    }),
    'invalid',
  ],
  [
    'a stream cut before [DONE]',
    judged((r) => {
      r.request.stream = true;
      r.response.status = 200;
      r.response.parse = 'sse';
      r.response.stream = {
        events: 1,
        dataChunks: 1,
        comments: 0,
        sawDone: false,
        anomalies: ['no_done'],
        chunks: [
          {
            id: 'c',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'm',
            choices: [{ index: 0, delta: { content: 'po' }, finish_reason: null }],
          },
        ],
      };
    }),
    'invalid',
  ],
  [
    'a refused connection (no response)',
    judged((r) => (r.transportError = { code: 'ECONNREFUSED' })),
    undefined,
  ],
  [
    'the deliberate invalid_request probe',
    judged(
      json(
        {
          error: {
            message: 'no such model',
            type: 'invalid_request_error',
            param: null,
            code: 'model_not_found',
          },
        },
        404,
      ),
      'invalid_request',
    ),
    undefined,
  ],
];

describe('schema-valid / schema-invalid: one decision', () => {
  for (const [name, r, want] of cases) {
    it(`${name} → ${want ?? 'not judged'}, and the metric says the same`, () => {
      expect(schemaJudgement(r), JSON.stringify(r.findings)).to.equal(want);
      const c = counted(r);
      expect(c).to.deep.equal({ valid: want === 'valid' ? 1 : 0, invalid: want === 'invalid' ? 1 : 0 });
    });
  }

  it('every record with a verdict and a response (not deliberate) counts exactly once', () => {
    for (const [name, r] of cases) {
      const c = counted(r);
      const judgedCall =
        r.findings.verdict !== undefined && r.response.status !== undefined && !r.findings.expectation;
      expect(c.valid + c.invalid, name).to.equal(judgedCall ? 1 : 0);
    }
  });
});
