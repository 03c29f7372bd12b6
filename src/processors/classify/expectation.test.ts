// SPDX-License-Identifier: Apache-2.0
// Deliberate probes are expectations: `invalid_request` / `timeout_boundary` pass when the
// server answered the way they expect and fail when it did not; llm_probe_success and `check`
// follow the same `findings.expectation`, and such probes are never contract violations nor in
// the request-schema or missing-field counters.
import { expect } from 'chai';
import { validateAndClassify } from '../../testing/validate-classify.js';
import { judgeRecord } from '../../cli/check-verdict.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';
import type { MetricSink } from '../../signals/record-metrics.js';
import type { MetricDef } from '../../signals/names.js';
import { recordMetrics } from '../../signals/record-metrics.js';

function probe(kind: string, fill: (r: CallRecord) => void): CallRecord {
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
      model: 'no-such-model',
      timeoutBudgetMs: 1000,
      // the invalid_request `payload` variant sends messages as a string
      requestBody: {
        model: 'gpt-4o-mini',
        messages: kind === 'invalid_request' ? 'ping' : [{ role: 'user', content: 'ping' }],
        max_tokens: 16,
      },
    },
  );
  fill(r);
  return validateAndClassify(r);
}

/** The metric values recordMetrics would export for one record, by metric name. */
function metrics(r: CallRecord): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const inst = {
    add(def: MetricDef, value: number) {
      out.set(def.name, [...(out.get(def.name) ?? []), value]);
    },
  } as MetricSink;
  recordMetrics(inst, r);
  return out;
}

const refused404 = (r: CallRecord) => {
  r.response.status = 404;
  r.response.parse = 'json';
  r.response.body = {
    error: {
      message: 'The model `no-such-model` does not exist',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    },
  };
};

describe('deliberate probes are expectations', () => {
  it('invalid_request refused correctly: held, llm_probe_success 1, check passes, no violation', () => {
    const r = probe('invalid_request', refused404);
    expect(r.findings.expectation).to.deep.equal({ kind: 'invalid_request', held: true });
    expect(r.findings.verdict).to.not.equal('violation');
    expect(r.findings.requestSchemaValid, 'the malformed request is not checked').to.equal(undefined);
    const m = metrics(r);
    expect(m.get('llm.probe.success')).to.deep.equal([1]);
    expect(m.has('llm.request.schema_invalid')).to.equal(false);
    for (const name of m.keys()) expect(name).to.not.match(/missing/);
    expect(judgeRecord(r).outcome).to.equal('pass');
  });

  it('invalid_request answered 500 + invalid_request_error (self-hosted servers) still holds', () => {
    const r = probe('invalid_request', (x) => {
      x.response.status = 500;
      x.response.parse = 'json';
      x.response.body = {
        error: { code: 500, message: "'messages' is required", type: 'invalid_request_error' },
      };
    });
    expect(r.findings.expectation?.held).to.equal(true);
    expect(metrics(r).get('llm.probe.success')).to.deep.equal([1]);
  });

  it('a server that accepts a nonexistent model breaks the expectation: llm_probe_success 0, check fails', () => {
    const r = probe('invalid_request', (x) => {
      x.response.status = 200;
      x.response.parse = 'json';
      x.response.body = {
        id: 'c1',
        object: 'chat.completion',
        created: 1,
        model: 'no-such-model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
      };
    });
    expect(r.findings.expectation).to.deep.equal({
      kind: 'invalid_request',
      held: false,
      reason: 'accepted_invalid_request',
    });
    expect(r.findings.verdict, 'never a contract violation').to.not.equal('violation');
    const m = metrics(r);
    expect(m.get('llm.probe.success')).to.deep.equal([0]);
    for (const name of m.keys()) expect(name).to.not.match(/missing|schema_invalid/);
    const row = judgeRecord(r);
    expect(row.outcome).to.equal('fail');
    expect(row.notes[0]).to.include('accepted_invalid_request');
  });

  it('invalid_request classed upstream and retryable breaks the expectation', () => {
    const r = probe('invalid_request', (x) => {
      x.response.status = 500;
      x.response.parse = 'json';
      x.response.body = { error: { message: 'boom', type: 'server_error', code: null } };
    });
    expect(r.findings.expectation).to.deep.equal({
      kind: 'invalid_request',
      held: false,
      reason: 'wrong_class_upstream',
    });
  });

  it('a transient 429 or 503 keeps either probe from testing anything: inconclusive, counted held', () => {
    for (const kind of ['invalid_request', 'timeout_boundary']) {
      for (const status of [429, 503]) {
        const r = probe(kind, (x) => {
          x.response.status = status;
          x.response.parse = 'json';
          x.response.body = {
            error: {
              message: 'busy',
              type: status === 429 ? 'rate_limit_error' : 'server_error',
              code: null,
            },
          };
        });
        expect(r.findings.expectation, `${kind} ${status}`).to.deep.include({
          kind,
          held: true,
          inconclusive: true,
        });
        expect(r.findings.expectation?.reason).to.match(/^transient_(rate_limit|upstream)$/);
      }
    }
  });

  it('timeout_boundary answered 500 before its deadline: inconclusive (invalid_request answered 500 is not)', () => {
    const r = probe('timeout_boundary', (x) => {
      x.response.status = 500;
      x.response.parse = 'json';
      x.response.body = { error: { message: 'boom', type: 'server_error', code: null } };
      x.timings.totalMs = 120;
    });
    expect(r.findings.expectation).to.deep.equal({
      kind: 'timeout_boundary',
      held: true,
      inconclusive: true,
      reason: 'transient_upstream',
    });
    expect(metrics(r).get('llm.probe.success')).to.deep.equal([1]);
  });

  it('timeout_boundary: the deadline fired as a timeout = held, llm_probe_success 1', () => {
    const r = probe('timeout_boundary', (x) => {
      x.transportError = { code: 'timeout', phase: 'headers' };
      x.timings.totalMs = 1001;
    });
    expect(r.findings.expectation).to.deep.equal({ kind: 'timeout_boundary', held: true });
    expect(metrics(r).get('llm.probe.success')).to.deep.equal([1]);
    expect(judgeRecord(r).outcome).to.equal('pass');
    // provoked on purpose: never in the client timeout rate
    const timeouts = [...metrics(r).keys()].filter((k) => /timeout/i.test(k) && !/budget/i.test(k));
    expect(timeouts, 'client timeout counters').to.deep.equal([]);
  });

  it('timeout_boundary: an answer long after the deadline means the deadline did not fire', () => {
    const r = probe('timeout_boundary', (x) => {
      x.response.status = 200;
      x.timings.totalMs = 5000;
    });
    expect(r.findings.expectation).to.deep.equal({
      kind: 'timeout_boundary',
      held: false,
      reason: 'deadline_not_enforced',
    });
    expect(metrics(r).get('llm.probe.success')).to.deep.equal([0]);
  });

  it('an ordinary chat probe is not an expectation (llm_probe_success follows the call)', () => {
    const r = probe('chat', refused404);
    expect(r.findings.expectation).to.equal(undefined);
    expect(metrics(r).get('llm.probe.success')).to.deep.equal([0]);
  });
});
