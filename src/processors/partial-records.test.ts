// SPDX-License-Identifier: Apache-2.0
// Receivers fill what they know: every processor must cope with any subset of fields absent.
import { expect } from 'chai';
import { consumerFromFn } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import { testSettings } from '../testing/nop-host.js';
import { ClassifyProcessor } from './classify/classify-processor.js';
import { classifyProcessorFactory } from './classify/index.js';
import { redactProcessorFactory } from './redact/index.js';
import { RedactProcessor } from './redact/redact-processor.js';
import { validateProcessorFactory } from './validate/index.js';
import { ValidateProcessor } from './validate/validate-processor.js';

describe('validate → classify → redact on partial records', () => {
  const noop = consumerFromFn(async () => {});
  const vc = validateProcessorFactory.createDefaultConfig();
  const v = new ValidateProcessor(
    testSettings('processor', 'v'),
    { ...vc, shapes: { ...vc.shapes, persist: false } },
    noop,
  );
  const c = new ClassifyProcessor(
    testSettings('processor', 'c'),
    classifyProcessorFactory.createDefaultConfig(),
    noop,
  );
  const rd = new RedactProcessor(
    testSettings('processor', 'r'),
    redactProcessorFactory.createDefaultConfig(),
    noop,
  );

  const partials: Array<[string, Record<string, unknown>]> = [
    ['no request, response or findings', { source: 'probe', receiver: 'x', startTimeMs: 0 }],
    [
      'response without headers',
      {
        source: 'probe',
        receiver: 'x',
        startTimeMs: 0,
        response: { status: 200, parse: 'json', body: {} },
        findings: { items: [] },
      },
    ],
    [
      'stream without anomalies or chunks',
      {
        source: 'probe',
        receiver: 'x',
        startTimeMs: 0,
        request: { method: 'POST', route: '/', synthetic: true },
        response: { status: 200, headers: {}, stream: { sawDone: false } },
        findings: { items: [] },
      },
    ],
    [
      'error body that is a string',
      {
        source: 'probe',
        receiver: 'x',
        startTimeMs: 0,
        response: { status: 500, headers: {}, parse: 'json', body: 'oops' },
        findings: { items: [] },
      },
    ],
    [
      'access-log 502 without upstream',
      {
        source: 'access_log',
        receiver: 'a',
        startTimeMs: 0,
        response: { status: 502, headers: {} },
        findings: { items: [] },
      },
    ],
    [
      'status 700',
      {
        source: 'probe',
        receiver: 'x',
        startTimeMs: 0,
        response: { status: 700, headers: {} },
        findings: { items: [] },
      },
    ],
  ];
  for (const [name, rec] of partials) {
    it(name, () => {
      const r = structuredClone(rec) as unknown as CallRecord;
      v.process([r]);
      c.process([r]);
      rd.process([r]);
      expect(r.findings).to.be.an('object');
      expect(r.findings.items).to.be.an('array');
    });
  }

  it('classes what can be classed', () => {
    const r = structuredClone(partials[4][1]) as unknown as CallRecord;
    c.process([r]);
    expect(r.findings.errorClass).to.equal('upstream');
    const weird = structuredClone(partials[5][1]) as unknown as CallRecord;
    c.process([weird]);
    expect(weird.findings.errorClass).to.equal('unknown');
  });
});
