// SPDX-License-Identifier: Apache-2.0
// One class table: an access-log line gets the same class, sub-reason and owner from
// classifyLine (receiver summaries, `replay`) as from the classify processor.
import { expect } from 'chai';
import type { CallRecord } from '../../model/call-record.js';
import { sampleRecord } from '../../testing/compliance.js';
import { classify } from '../../contract/error-class/decide.js';
import { classifyLine } from './classify-line.js';

function line(status: number | undefined, extra: Record<string, unknown> = {}): CallRecord {
  const r = sampleRecord();
  r.source = 'access_log';
  r.response = { ...r.response, status };
  r.upstream = { statuses: status === undefined ? [] : [status], attempts: 1, retried: false, connectMs: 2 };
  r.extra = { ...extra };
  r.findings = { items: [] };
  return r;
}

describe('classifyLine shares the classify processor table', () => {
  const cases: Array<[string, CallRecord]> = [
    ['401', line(401)],
    ['429', line(429)],
    ['404', line(404)],
    ['499', line(499)],
    ['0', line(0)],
    ['502 connected', line(502)],
    ['502 never connected', line(502, { upstreamConnectFailed: true })],
    ['504', line(504)],
    ['503', line(503)],
    ['301', line(301)],
    ['200 with Envoy UF', line(200, { responseFlags: 'UF' })],
    ['503 with Envoy UH,URX', line(503, { responseFlags: 'UH,URX' })],
  ];
  for (const [name, rec] of cases) {
    it(`${name}: same class, sub-reason and owner`, () => {
      const fromLine = classifyLine(structuredClone(rec));
      const p = structuredClone(rec);
      classify(p, undefined, { keepRequestId: false, nowMs: 0 });
      expect(fromLine.errorClass, 'a class').to.be.a('string');
      expect([fromLine.errorClass, fromLine.subReason, fromLine.owner]).to.deep.equal([
        p.findings.errorClass,
        p.findings.subReason,
        p.findings.owner,
      ]);
    });
  }

  it('a healthy line has no class', () => {
    expect(classifyLine(line(200)).errorClass).to.equal(undefined);
  });
});
