// SPDX-License-Identifier: Apache-2.0
// The error envelope decides first: class, sub-reason, owner and retry come from its type/code
// (any status, a 200 error body, an error event in a 2xx stream); the status only when it says nothing.
import { expect } from 'chai';
import { validateAndClassify } from '../../testing/validate-classify.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';

function judged(fill: (r: CallRecord) => void, contract?: string): CallRecord {
  const r = newCallRecord(
    'probe',
    'probe/t',
    { provider: 'openai_compatible', endpoint: '/v1/chat/completions', contract },
    { method: 'POST', route: '/v1/chat/completions', synthetic: true },
  );
  fill(r);
  return validateAndClassify(r);
}

const verdict = (r: CallRecord) => [r.findings.errorClass, r.findings.subReason, r.findings.retryable];

describe('classify: the error envelope decides first', () => {
  it('500 + invalid_request_error (self-hosted server refusing a bad request) = bad_request, no retry', () => {
    const r = judged((x) => {
      x.response.status = 500;
      x.response.parse = 'json';
      x.response.body = {
        error: { message: "'messages' must be an array", type: 'invalid_request_error', code: null },
      };
    });
    expect(verdict(r)).to.deep.equal(['bad_request', 'invalid_request', false]);
    expect(r.findings.owner).to.equal('application team');
  });

  it('500 + CometAPI code invalid_request is not special by default: only the CometAPI contract says so', () => {
    const body = { error: { message: 'bad', type: 'comet_api_error', param: '', code: 'invalid_request' } };
    const plain = judged((x) => {
      x.response.status = 500;
      x.response.parse = 'json';
      x.response.body = body;
    });
    expect(verdict(plain)).to.deep.equal(['upstream', 'server_error', true]);
    const comet = judged((x) => {
      x.response.status = 500;
      x.response.parse = 'json';
      x.response.body = body;
    }, 'config/contracts/cometapi-chat-completions.yaml');
    expect(verdict(comet)).to.deep.equal(['bad_request', 'invalid_request_500', false]);
  });

  it('200 with an error body = the error it carries, not "missing choices, id, object"', () => {
    const r = judged((x) => {
      x.response.status = 200;
      x.response.parse = 'json';
      x.response.body = { error: { message: 'busy', type: 'server_error', code: 'overloaded' } };
    });
    expect(verdict(r)).to.deep.equal(['upstream', 'overloaded', true]);
    expect(r.findings.verdict).to.equal('violation');
    const paths = r.findings.items.map((i) => i.path);
    for (const p of ['choices', 'id', 'object']) expect(paths).to.not.include(p);
    expect(r.findings.items.map((i) => i.note)).to.include('error_body_2xx');
  });

  it('200 error body with a numeric code (OpenRouter, LiteLLM) is judged by that code', () => {
    const r = judged((x) => {
      x.response.status = 200;
      x.response.parse = 'json';
      x.response.body = { error: { code: 429, message: 'Rate limit exceeded: free-models-per-min' } };
    });
    expect(verdict(r)).to.deep.equal(['rate_limit', 'rate_limit', true]);
  });

  const streamed = (event: unknown) =>
    judged((x) => {
      x.request.stream = true;
      x.response.status = 200;
      x.response.parse = 'sse';
      x.response.stream = {
        events: 1,
        dataChunks: 1,
        comments: 0,
        sawDone: false,
        anomalies: ['error_event', 'no_done'],
        errorEvent: event,
      };
    });

  it('SSE error event in a 2xx stream: invalid_request_error = bad_request / application / no retry', () => {
    const r = streamed({ error: { message: 'bad', type: 'invalid_request_error', code: null } });
    expect(verdict(r)).to.deep.equal(['bad_request', 'invalid_request', false]);
    expect(r.findings.owner).to.equal('application team');
  });

  it('SSE error event rate_limit_exceeded = rate_limit / capacity (also when the event is already unwrapped)', () => {
    const r = streamed({ message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' });
    expect(verdict(r)).to.deep.equal(['rate_limit', 'rate_limit', true]);
    expect(r.findings.owner).to.equal('platform / capacity');
  });

  it('SSE error event that names nothing known stays upstream (the status cannot say more)', () => {
    const r = streamed({ error: { message: 'boom' } });
    expect(verdict(r)).to.deep.equal(['upstream', 'stream_error_event', true]);
  });

  it('401 + invalid_request_error (OpenAI: no key sent) stays auth: the status names it better', () => {
    const r = judged((x) => {
      x.response.status = 401;
      x.response.parse = 'json';
      x.response.body = {
        error: { message: "You didn't provide an API key.", type: 'invalid_request_error', code: null },
      };
    });
    expect(r.findings.errorClass).to.equal('auth');
  });

  it('503 + server_error keeps the finer status reason (overloaded)', () => {
    const r = judged((x) => {
      x.response.status = 503;
      x.response.parse = 'json';
      x.response.body = { error: { message: 'overloaded', type: 'server_error', code: null } };
    });
    expect(verdict(r)).to.deep.equal(['upstream', 'overloaded', true]);
  });

  it("vLLM's top-level envelope {object:'error', type:'BadRequestError', code:400}", () => {
    const r = judged((x) => {
      x.response.status = 400;
      x.response.parse = 'json';
      x.response.body = { object: 'error', message: 'bad', type: 'BadRequestError', param: null, code: 400 };
    });
    expect(verdict(r)).to.deep.equal(['bad_request', 'invalid_request', false]);
  });
});
