// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import type { CallRecord } from '../../model/call-record.js';
import { sampleRecord } from '../../testing/compliance.js';
import { ContractHealth } from './contract-health.js';

function rec(mut: (r: CallRecord) => void): CallRecord {
  const r = sampleRecord();
  r.receiver = 'probe/x';
  r.response.usage = { promptTokens: 10, completionTokens: 2, totalTokens: 12 };
  r.response.model = 'gpt-4o-mini-2024-07-18';
  r.findings = { items: [], verdict: 'ok', responseSchemaValid: true };
  mut(r);
  return r;
}

describe('contract health aggregate', () => {
  it('computes the figures the reliability guide asks for', () => {
    const h = new ContractHealth({ latencySamples: 100, recentEvents: 5, maxGroups: 10 });
    const t0 = Date.now();
    h.add([
      ...[100, 200, 300, 400].map((ms) =>
        rec((r) => ((r.timings.totalMs = ms), (r.request.probe = 'chat'), (r.request.promptSize = 'small'))),
      ),
      rec((r) => {
        r.findings = {
          items: [{ path: 'usage', kind: 'missing', level: 'violation' }],
          verdict: 'violation',
          responseSchemaValid: false,
          errorClass: 'schema',
          owner: 'application + platform',
        };
        r.response.usage = undefined;
      }),
      rec((r) => {
        r.response.status = 401;
        r.findings = {
          items: [],
          errorClass: 'auth',
          owner: 'secrets / IAM',
          firstAction: 'check key rotation',
          retryable: false,
        };
      }),
      rec((r) => {
        r.response.status = 429;
        r.findings = { items: [], errorClass: 'rate_limit', subReason: 'quota' };
      }),
      rec((r) => {
        r.response.status = undefined;
        r.transportError = { code: 'timeout' };
        r.findings = { items: [], errorClass: 'timeout' };
      }),
      rec((r) => {
        r.findings = {
          items: [],
          verdict: 'drift',
          responseSchemaValid: true,
          shapeDiff: { added: ['choices[].message.annotations'], removed: [], changed: [] },
        };
        r.response.model = 'other-model';
      }),
      rec((r) => (r.event = { name: 'probe.budget_exhausted', attributes: { budget: 'tokens' } })),
    ]);
    const s = h.snapshot(t0 - 1000);
    expect(s.groups).to.have.length(1);
    const g = s.groups[0];
    expect(g.calls).to.equal(9);
    expect(g.schema_valid).to.equal(5);
    expect(g.schema_invalid).to.equal(1);
    expect(g.schema_valid_rate).to.equal(0.8333);
    expect(g.violations).to.equal(1);
    expect(g.drift_events).to.equal(1);
    expect(g.auth_failures_since_config_change).to.equal(1);
    expect(h.snapshot(Date.now() + 1000).groups[0].auth_failures_since_config_change).to.equal(0);
    expect(g.quota_exhausted).to.equal(1);
    expect(g.timeouts).to.equal(1);
    expect(g.response_models).to.deep.equal({ 'gpt-4o-mini-2024-07-18': 8, 'other-model': 1 });
    expect((g.latency_by_probe as Record<string, { p50_ms: number; p95_ms: number }>).chat).to.deep.include({
      p50_ms: 200,
      p95_ms: 400,
    });
    expect((g.errors as Record<string, { owner: string; first_action: string }>).auth).to.include({
      owner: 'secrets / IAM',
      first_action: 'check key rotation',
    });
    expect((g.recent_events as Array<{ verdict: string }>).map((e) => e.verdict)).to.deep.equal([
      'drift',
      'violation',
    ]);
    expect(s.events['probe.budget_exhausted'].count).to.equal(1);
  });

  it('stays bounded: groups, samples and events', () => {
    const h = new ContractHealth({ latencySamples: 16, recentEvents: 3, maxGroups: 2 });
    for (let i = 0; i < 1000; i++) {
      h.add([
        rec(
          (r) => ((r.request.model = `m${i % 2}`), (r.timings.totalMs = i), (r.findings.verdict = 'drift')),
        ),
      ]);
    }
    let s = h.snapshot(0);
    expect(s.groups).to.have.length(2);
    for (const g of s.groups) {
      expect(g.calls).to.equal(500);
      expect(g.recent_events as unknown[]).to.have.length(3);
      // The window holds the last 16 values: p50 reflects recent calls only.
      expect((g.latency_by_probe as Record<string, { p50_ms: number }>).compliance.p50_ms).to.be.greaterThan(
        960,
      );
    }
    h.add([rec((r) => (r.request.model = 'm-new'))]);
    s = h.snapshot(0);
    expect(s.groups).to.have.length(2, 'one group was evicted to make room');
    expect(s.groups.map((g) => g.model)).to.include('m-new');
  });
});
