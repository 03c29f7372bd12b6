// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import type { CallRecord } from '../../model/call-record.js';
import { sampleRecord } from '../../testing/compliance.js';
import { ContractHealth } from './contract-health.js';

function rec(mut: (r: CallRecord) => void = () => {}): CallRecord {
  const r = sampleRecord();
  r.receiver = 'probe/x';
  r.response.usage = { promptTokens: 10, completionTokens: 2, totalTokens: 12 };
  r.response.model = 'gpt-4o-mini-2024-07-18';
  r.findings = { items: [], verdict: 'ok', responseSchemaValid: true };
  mut(r);
  return r;
}

const violation = (r: CallRecord) => {
  r.findings = {
    items: [{ path: 'usage', kind: 'usage', level: 'violation' }],
    verdict: 'violation',
    responseSchemaValid: true, // the schema held, the verdict did not: still invalid
  };
  r.response.usage = undefined;
};

/** A clock the test moves by hand. */
function clock(start = Date.now()) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => (c.t += ms) };
  return c;
}

describe('contract health aggregate', () => {
  it('computes the figures the reliability guide asks for, one card per target', () => {
    const c = clock();
    const h = new ContractHealth({ recentEvents: 5, maxGroups: 10 }, c.now);
    h.add([
      ...[100, 200, 300, 400].map((ms) =>
        rec((r) => ((r.timings.totalMs = ms), (r.request.probe = 'chat'), (r.request.promptSize = 'small'))),
      ),
      rec(violation),
      rec((r) => {
        r.response.status = 401;
        r.timings.totalMs = 5;
        r.findings = {
          items: [],
          errorClass: 'auth',
          owner: 'secrets / IAM',
          firstAction: 'check key rotation',
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
        r.findings.verdict = 'drift';
        r.findings.shapeDiff = { added: ['choices[].message.annotations'], removed: [], changed: [] };
        r.response.model = 'other-model';
      }),
      rec((r) => (r.retry = { attempts: 2, addedMs: 50, succeededAfterFailure: true })),
      rec((r) => (r.event = { name: 'probe.budget_exhausted', attributes: { budget: 'tokens' } })),
    ]);
    const s = h.snapshot(c.t - 1000);
    expect(s.targets).to.have.length(1);
    const t = s.targets[0];
    const w = t.windows.since_start;
    expect(w.counts.calls).to.equal(10);
    // every judged call counts once: 7 ok/drift, 1 violation; 401/429/timeout were not judged
    expect(w.counts.schema_valid).to.equal(6);
    expect(w.counts.schema_invalid).to.equal(1);
    expect(w.rates.schema_valid_rate).to.equal(0.8571);
    expect(w.counts.violations).to.equal(1);
    expect(w.counts.drift).to.equal(1);
    expect(w.counts.quota_exhausted).to.equal(1);
    expect(w.counts.timeouts).to.equal(1);
    expect(w.rates.timeout_rate).to.equal(0.1);
    expect(w.rates.fallback_rate).to.equal(0.1);
    expect(w.rates.retry_success_rate).to.equal(1);
    expect(w.rates.usage_availability).to.equal(0.8571, '6 of 7 2xx answers carried usage');
    expect(t.windows.last_5m).to.deep.equal(w, 'everything happened in this minute');
    expect(t.auth_failures_since_config_change).to.equal(1);
    expect(h.snapshot(c.t + 1000).targets[0].auth_failures_since_config_change).to.equal(0);
    expect(t.response_models).to.deep.equal({ 'gpt-4o-mini-2024-07-18': 9, 'other-model': 1 });
    expect(t.latency_by_probe.chat).to.include({ count: 4, failed: 0 });
    // the shared log-bucket store reads at most 2 % high
    expect(t.latency_by_probe.chat.p50_ms).to.be.within(200, 204);
    expect(t.latency_by_probe.chat.p95_ms).to.be.within(400, 408);
    // the failed calls are in the latency table too, counted as failed
    expect(t.latency_by_probe.compliance.count).to.equal(6);
    expect(t.latency_by_probe.compliance.failed).to.equal(4, 'violation, 401, 429, timeout');
    expect(t.errors.auth).to.include({ owner: 'secrets / IAM', first_action: 'check key rotation' });
    expect(t.recent_events.map((e) => e.verdict)).to.deep.equal(['drift', 'violation']);
    expect(t.state).to.equal('violation');
    expect(s.events['probe.budget_exhausted'].count).to.equal(1);
  });

  it('counts a call its client retried once, when each attempt is a record (the proxy)', () => {
    const c = clock();
    const h = new ContractHealth({ recentEvents: 5, maxGroups: 10 }, c.now);
    const attempt = (attempts: number, ok: boolean) =>
      rec((r) => {
        r.response.status = ok ? 200 : 503;
        r.retry = { attempts, succeededAfterFailure: ok, perAttempt: true };
      });
    h.add([rec((r) => (r.response.status = 429)), attempt(2, false), attempt(3, true), rec(() => {})]);
    const w = h.snapshot(c.t).targets[0].windows.since_start;
    expect(w.counts.fallbacks).to.equal(1);
    expect(w.counts.retries_succeeded).to.equal(1);
    expect(w.rates.retry_success_rate).to.equal(1);
  });

  it('windows: 5 minutes, an hour, since start; the state follows the last 5 minutes', () => {
    const c = clock();
    const h = new ContractHealth({ recentEvents: 5, maxGroups: 10 }, c.now);
    h.add([rec(violation)]);
    expect(h.snapshot(0).targets[0].state).to.equal('violation');
    c.advance(6 * 60_000);
    h.add([rec(), rec()]);
    let t = h.snapshot(0).targets[0];
    expect(t.state).to.equal('healthy');
    expect(t.windows.last_5m.counts).to.include({ calls: 2, violations: 0 });
    expect(t.windows.last_1h.counts).to.include({ calls: 3, violations: 1 });
    expect(t.windows.last_5m.rates.schema_valid_rate).to.equal(1);
    expect(t.windows.last_1h.rates.schema_valid_rate).to.equal(0.6667);
    // sparkline: one value per minute of the last hour, null where nothing happened
    expect(t.sparklines.schema_valid_rate).to.have.length(60);
    expect(t.sparklines.schema_valid_rate.filter((v) => v !== null)).to.deep.equal([0, 1]);
    c.advance(61 * 60_000);
    h.add([rec((r) => (r.findings.verdict = 'drift'))]);
    t = h.snapshot(0).targets[0];
    expect(t.state).to.equal('drift');
    expect(t.windows.last_1h.counts.calls).to.equal(1, 'older minutes left the hour');
    expect(t.windows.since_start.counts.calls).to.equal(4);
    c.advance(6 * 60_000);
    expect(h.snapshot(0).targets[0].state).to.equal('idle');
    h.add([rec((r) => ((r.response.status = 503), (r.findings = { items: [], errorClass: 'upstream' })))]);
    expect(h.snapshot(0).targets[0].state).to.equal('down');
  });

  it('deliberate probes are expectations in their target’s card, never its own card or rate', () => {
    const c = clock();
    const h = new ContractHealth({ recentEvents: 5, maxGroups: 10 }, c.now);
    const deliberate = (held: boolean) =>
      rec((r) => {
        r.request.probe = 'invalid';
        r.request.probeKind = 'invalid_request';
        r.request.model = 'driftwatch-probe-nonexistent-model';
        r.response.status = held ? 500 : 200;
        r.findings = {
          items: [],
          errorClass: held ? 'bad_request' : undefined,
          expectation: held
            ? { kind: 'invalid_request', held: true }
            : { kind: 'invalid_request', held: false, reason: 'accepted_invalid_request' },
        };
      });
    h.add([rec(), deliberate(true), deliberate(true)]);
    let t = h.snapshot(0).targets[0];
    expect(h.snapshot(0).targets).to.have.length(1);
    expect(t.models).to.deep.equal({ 'gpt-4o-mini': 1 }, 'the made-up model is no model of the target');
    expect(t.windows.since_start.counts.calls).to.equal(1);
    expect(t.errors).to.deep.equal({});
    expect(t.expectations).to.deep.equal([
      {
        probe: 'invalid',
        kind: 'invalid_request',
        state: 'held',
        held: 2,
        broken: 0,
        inconclusive: 0,
        last_reason: null,
        last_at: t.expectations[0].last_at,
      },
    ]);
    expect(t.state).to.equal('healthy');
    h.add([deliberate(false)]);
    t = h.snapshot(0).targets[0];
    expect(t.expectations[0]).to.include({
      state: 'broken',
      broken: 1,
      last_reason: 'accepted_invalid_request',
    });
    expect(t.state).to.equal('violation');
    expect(t.state_reason).to.contain('expectation broken: invalid');
  });

  it('stays bounded: targets, keys, events and minute slots', () => {
    const c = clock();
    const h = new ContractHealth({ recentEvents: 3, maxGroups: 2 }, c.now);
    for (let i = 0; i < 3000; i++) {
      c.advance(2_000);
      h.add([
        rec((r) => {
          r.receiver = `probe/r${i % 2}`;
          r.request.probe = `p${i % 50}`;
          r.timings.totalMs = i;
          r.findings.verdict = 'drift';
        }),
      ]);
    }
    let s = h.snapshot(0);
    expect(s.targets).to.have.length(2);
    for (const t of s.targets) {
      expect(t.windows.since_start.counts.calls).to.equal(1500);
      // 60 minute slots, the current one partly filled, 15 calls a minute per target
      expect(t.windows.last_1h.counts.calls).to.be.within(59 * 15, 60 * 15);
      expect(t.recent_events).to.have.length(3);
      expect(Object.keys(t.latency_by_probe)).to.have.length.at.most(21);
      // the hour holds recent calls only: p50 of the last ~1800 values of i
      expect(t.latency_by_probe['(other)'].p50_ms).to.be.greaterThan(1900);
    }
    h.add([rec((r) => (r.receiver = 'probe/new'))]);
    s = h.snapshot(0);
    expect(s.targets).to.have.length(2, 'one target was evicted to make room');
    expect(s.targets.map((t) => t.receiver)).to.include('probe/new');
  });
});
