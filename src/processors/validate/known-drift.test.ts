// SPDX-License-Identifier: Apache-2.0
// Known deviations are stated once: accepted ones stop counting (with the contract line, reason
// and review date), repeated ones are known drift (a gauge, not an event per call), and a fresh
// validate reports fields outside the contract without a learned shape.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { consumerFromFn } from '../../component/consumer.js';
import { judgeRecord } from '../../cli/check-verdict.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import { testSettings } from '../../testing/nop-host.js';
import { validateProcessorFactory } from './index.js';
import { ValidateProcessor } from './validate-processor.js';

const COMET = 'config/contracts/cometapi-chat-completions.yaml';
// the CometAPI doc example of 2025: no `refusal` in the message (a standing trait of that server)
const NO_REFUSAL = JSON.parse(
  readFileSync('test/fixtures/llm/responses/cometapi-doc-gpt4o-2025-empty-token-details.json', 'utf8'),
) as unknown;

function processor(contract: string, metrics = new SelfMetrics()): ValidateProcessor {
  const vc = validateProcessorFactory.createDefaultConfig();
  return new ValidateProcessor(
    testSettings('processor', 'validate', { metrics, pipeline: 'p' }),
    { ...vc, contract, shapes: { ...vc.shapes, persist: false } },
    consumerFromFn(async () => {}),
  );
}

function record(body: unknown, contract: string): CallRecord {
  const r = newCallRecord(
    'probe',
    'probe/comet',
    { provider: 'cometapi', endpoint: '/v1/chat/completions', serverAddress: 'api.example', contract },
    { method: 'POST', route: '/v1/chat/completions', synthetic: true, probe: 'chat', probeKind: 'chat' },
  );
  r.response.status = 200;
  r.response.parse = 'json';
  r.response.body = structuredClone(body);
  return r;
}

describe('validate: known deviations are stated once', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'dw-known-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The CometAPI contract plus an `accepted` block (schemas referenced by absolute path). */
  function contractAccepting(reviewBy: string): string {
    const text = readFileSync(COMET, 'utf8').replaceAll(
      'schemas/',
      `${resolve('config/contracts/schemas')}/`,
    );
    const file = join(dir, `comet-accepting-${reviewBy}.yaml`);
    writeFileSync(
      file,
      `${text}\naccepted:\n  - path: choices[].message.refusal\n    kind: missing\n    reason: CometAPI never sends refusal; our client does not read it\n    review_by: ${reviewBy}\n`,
    );
    return file;
  }

  it('a repeated deviation is one drift event, then known drift in the gauge (not an event per call)', () => {
    const metrics = new SelfMetrics();
    const v = processor(COMET, metrics);
    const rs = [1, 2, 3].map(() => record(NO_REFUSAL, COMET));
    v.process(rs);
    expect(rs.map((r) => r.findings.verdict)).to.deep.equal(['drift', 'ok', 'ok']);
    const later = rs[2].findings.items.find((i) => i.path === 'choices[].message.refusal');
    expect(later?.level, 'still visible').to.equal('warning');
    expect(metrics.sum('driftwatch_validate_known_drift', { state: 'open' })).to.equal(1);
    // a change (a new finding on the same target) is an event again
    const changed = structuredClone(NO_REFUSAL) as { choices: Array<{ finish_reason: string }> };
    changed.choices[0].finish_reason = 'eos';
    const r4 = record(changed, COMET);
    v.process([r4]);
    expect(r4.findings.verdict).to.equal('drift');
  });

  it('the gauge follows the target: 0 from its first record, 1 while a deviation lasts, 0 once resolved', () => {
    const metrics = new SelfMetrics();
    const v = processor(COMET, metrics);
    const open = () =>
      metrics.value('driftwatch_validate_known_drift', {
        contract: 'cometapi-chat-completions',
        target: 'cometapi|api.example|/v1/chat/completions|chat',
        subject: 'response',
        state: 'open',
      });
    const withRefusal = structuredClone(NO_REFUSAL) as {
      choices: Array<{ message: Record<string, unknown> }>;
    };
    withRefusal.choices[0].message.refusal = null;
    v.process([record(withRefusal, COMET)]);
    expect(metrics.renderPrometheus()).to.include('state="open"} 0');
    v.process([record(NO_REFUSAL, COMET), record(NO_REFUSAL, COMET)]);
    expect(open()).to.equal(1);
    const back = record(withRefusal, COMET);
    v.process([back]);
    expect(open(), 'resolved').to.equal(0);
    expect(back.findings.items.some((i) => i.path === 'choices[].message.refusal')).to.equal(false);
    // the same deviation coming back is news again (an event), then known drift
    const again = [record(NO_REFUSAL, COMET), record(NO_REFUSAL, COMET)];
    v.process(again);
    expect(again.map((r) => r.findings.verdict)).to.deep.equal(['drift', 'ok']);
    expect(open()).to.equal(1);
  });

  it("a target's answers and its error envelopes keep a gauge each: an error does not hide open drift", () => {
    const metrics = new SelfMetrics();
    const v = processor(COMET, metrics);
    const refused = record(undefined, COMET);
    refused.response.status = 400;
    refused.response.body = {
      error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null },
    };
    v.process([record(NO_REFUSAL, COMET), record(NO_REFUSAL, COMET), refused]);
    const open = (subject: string) =>
      metrics.value('driftwatch_validate_known_drift', {
        contract: 'cometapi-chat-completions',
        target: 'cometapi|api.example|/v1/chat/completions|chat',
        subject,
        state: 'open',
      });
    expect(open('response'), 'the answers still lack refusal').to.equal(1);
    expect(open('error'), 'the error envelope is as the contract says').to.equal(0);
    expect(metrics.sum('driftwatch_validate_known_drift', { state: 'open' })).to.equal(1);
  });

  it('an accepted deviation stops counting; check prints the contract line, reason and review date', () => {
    const file = contractAccepting('2099-01-01');
    const metrics = new SelfMetrics();
    const v = processor(file, metrics);
    const r = record(NO_REFUSAL, file);
    v.process([r]);
    expect(r.findings.verdict).to.equal('ok');
    const f = r.findings.items.find((i) => i.path === 'choices[].message.refusal');
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('- path: choices[].message.refusal')) + 1;
    expect(f).to.include({ level: 'info', note: `accepted:comet-accepting-2099-01-01.yaml:${line}` });
    expect(metrics.sum('driftwatch_validate_known_drift', { state: 'accepted' })).to.equal(1);
    const row = judgeRecord(r);
    expect(row.outcome).to.equal('pass');
    expect(row.accepted?.[0]).to.include(`comet-accepting-2099-01-01.yaml:${line}`);
    expect(row.accepted?.[0]).to.include('CometAPI never sends refusal').and.include('review by 2099-01-01');
  });

  it('a shape change that is only the accepted deviation is no new-shape event', () => {
    const file = contractAccepting('2099-01-01');
    const metrics = new SelfMetrics();
    const v = processor(file, metrics);
    const withRefusal = structuredClone(NO_REFUSAL) as {
      choices: Array<{ message: Record<string, unknown> }>;
    };
    withRefusal.choices[0].message.refusal = null;
    const first = record(withRefusal, file);
    const second = record(NO_REFUSAL, file);
    v.process([first, second]);
    expect(second.findings.verdict).to.equal('ok');
    expect(second.findings.shapeDiff, 'no drift event').to.equal(undefined);
    expect(second.findings.items).to.deep.include({
      path: '$',
      kind: 'shape',
      level: 'info',
      note: 'new_response_shape_known_drift',
    });
    expect(metrics.sum('driftwatch_validate_new_shapes_total')).to.equal(0);
    // any other change in the same shape is still news
    const other = structuredClone(NO_REFUSAL) as Record<string, unknown>;
    other.system_fingerprint = 42;
    const third = record(other, file);
    v.process([third]);
    expect(third.findings.shapeDiff).to.not.equal(undefined);
    expect(metrics.sum('driftwatch_validate_new_shapes_total')).to.equal(1);
  });

  it('an acceptance past its review date lapses: the deviation counts again', () => {
    const file = contractAccepting('2020-01-01');
    const r = record(NO_REFUSAL, file);
    processor(file).process([r]);
    expect(r.findings.verdict).to.equal('drift');
  });

  it('a fresh validate (no learned shape) reports a field outside the contract as drift', () => {
    const body = structuredClone(NO_REFUSAL) as Record<string, unknown>;
    body.vendor_trace = { region: 'eu' };
    const r = record(body, COMET);
    processor(COMET).process([r]);
    expect(r.findings.verdict).to.equal('drift');
    expect(r.findings.items).to.deep.include({
      path: 'vendor_trace',
      kind: 'unexpected',
      level: 'drift',
      note: 'not_in_contract',
    });
  });

  it('a contract with a bad review date names the file and the key', () => {
    const file = join(dir, 'bad-date.yaml');
    writeFileSync(
      file,
      readFileSync(contractAccepting('2099-01-01'), 'utf8').replace(
        'review_by: 2099-01-01',
        'review_by: 2099-02-31',
      ),
    );
    expect(() => processor(file)).to.throw(/bad-date\.yaml: accepted\.0\.review_by/);
  });
});
