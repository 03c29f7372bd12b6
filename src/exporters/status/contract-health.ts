// SPDX-License-Identifier: Apache-2.0
// In-process aggregation for the "Contract health" page: one card per target (receiver ×
// provider × endpoint) with what the reliability guide asks a dashboard to show, counted per
// minute so the page can show the last 5 minutes, the last hour and since start. Deliberate
// probes (invalid_request, timeout_boundary) provoke failures on purpose: they are kept apart
// as expectations (held / broken) and never move the target's rates or state.
// Everything here is bounded: targets, keys per table, events and minute slots.
import { neededSecondAttempt, recoveredAfterFailure } from '../../model/call-record.js';
import type { CallRecord, RecordSource } from '../../model/call-record.js';
import { TARGET_DECLARED_EVENT } from '../../signals/names.js';
import { schemaJudgement } from '../../signals/schema-judgement.js';
import { targetState } from './judge.js';
import type {
  ErrorClassView,
  ExpectationView,
  RateName,
  RecentEvent,
  StatusSnapshot,
  TargetView,
  WatchEventView,
} from './snapshot.js';
import { HEADLINE_RATES } from './snapshot.js';
import { LatencySlot, MinuteWindows, ratesOf } from './windows.js';

export interface StatusLimits {
  recentEvents: number;
  maxGroups: number;
}

const MAX_KEYS = 20;

function bump(o: Record<string, number>, k: string): void {
  if (k in o || Object.keys(o).length < MAX_KEYS) o[k] = (o[k] ?? 0) + 1;
  else o['(other)'] = (o['(other)'] ?? 0) + 1;
}

class Target {
  readonly windows = new MinuteWindows();
  readonly models: Record<string, number> = {};
  readonly statusCodes: Record<string, number> = {};
  readonly verdicts: Record<string, number> = {};
  readonly responseModels: Record<string, number> = {};
  readonly errors = new Map<string, ErrorClassView>();
  readonly expectations = new Map<string, ExpectationView>();
  readonly latencyKeys = new Map<string, Set<string>>();
  authFailureTimes: number[] = [];
  recent: RecentEvent[] = [];
  contractReviewAgeDays?: number;
  tlsCertDaysLeft?: number;
  lastSeen = 0;

  constructor(
    readonly receiver: string,
    readonly source: RecordSource,
    readonly provider: string,
    readonly endpoint: string,
  ) {}
}

export class ContractHealth {
  private readonly targets = new Map<string, Target>();
  private readonly events: Record<string, WatchEventView> = {};
  readonly startedAt: number;

  constructor(
    private readonly limits: StatusLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  add(batch: readonly CallRecord[]): void {
    for (const r of batch) {
      if (r.event?.name === TARGET_DECLARED_EVENT) continue; // a configured target, not an event
      if (r.event) this.addEvent(r);
      else this.addCall(r);
    }
  }

  private addEvent(r: CallRecord): void {
    const e = r.event!;
    const last = new Date(r.startTimeMs).toISOString();
    const slot = this.events[e.name];
    if (slot) Object.assign(slot, { count: slot.count + 1, last, attributes: e.attributes });
    else if (Object.keys(this.events).length < MAX_KEYS)
      this.events[e.name] = { count: 1, last, attributes: e.attributes };
  }

  private target(r: CallRecord): Target {
    const key = `${r.receiver}\u0000${r.target.provider}\u0000${r.target.endpoint}`;
    let t = this.targets.get(key);
    if (!t) {
      if (this.targets.size >= this.limits.maxGroups) {
        let oldestKey: string | undefined;
        let oldest = Infinity;
        for (const [k, v] of this.targets) if (v.lastSeen < oldest) [oldest, oldestKey] = [v.lastSeen, k];
        if (oldestKey) this.targets.delete(oldestKey);
      }
      t = new Target(r.receiver, r.source, r.target.provider, r.target.endpoint);
      this.targets.set(key, t);
    }
    return t;
  }

  private addCall(r: CallRecord): void {
    const t = this.target(r);
    const f = r.findings;
    t.lastSeen = Math.max(t.lastSeen, r.startTimeMs);
    if (f.expectation) {
      this.addExpectation(t, r);
      return;
    }
    // Slots are by arrival time: a record's own start may be older than the minute it lands in.
    const at = this.now();
    const slot = t.windows.slot(at);
    const inc = (k: keyof typeof slot.counts) => {
      slot.counts[k]++;
      t.windows.total[k]++;
    };
    inc('calls');
    if (r.request.model) bump(t.models, r.request.model);
    if (r.response.status !== undefined) bump(t.statusCodes, String(r.response.status));
    else if (r.transportError) bump(t.statusCodes, `error:${r.transportError.code}`);
    const s = r.response.status;
    const ok2xx = s !== undefined && s >= 200 && s < 300 && !r.transportError;
    if (ok2xx) inc('answered');
    if (f.verdict) bump(t.verdicts, f.verdict);
    if (f.verdict === 'drift') inc('drift');
    if (f.verdict === 'violation') inc('violations');
    const judged = schemaJudgement(r);
    if (judged === 'valid') inc('schema_valid');
    if (judged === 'invalid') inc('schema_invalid');
    if (f.errorClass) this.addError(t, r, inc);
    // a second attempt (gateway upstream retry / fallback, probe or client retry) means the first one failed
    if (neededSecondAttempt(r)) {
      inc('fallbacks');
      inc('retries_after_failure');
    }
    if (recoveredAfterFailure(r)) inc('retries_succeeded');
    if (ok2xx) {
      const u = r.response.usage;
      if (u && (u.totalTokens != null || u.promptTokens != null)) inc('usage_present');
      else inc('usage_missing');
    }
    if (r.response.model) bump(t.responseModels, r.response.model);
    const failed = !ok2xx || f.errorClass !== undefined || f.verdict === 'violation';
    const probe = r.request.probe ?? r.source;
    this.latency(t, slot.latency, 'latency_by_probe', probe, r.timings.totalMs, failed);
    if (r.request.promptSize)
      this.latency(
        t,
        slot.latency,
        'latency_by_prompt_size',
        r.request.promptSize,
        r.timings.totalMs,
        failed,
      );
    this.latency(t, slot.latency, 'ttft_by_probe', probe, r.timings.firstTokenMs, failed);
    if (f.contractReviewAgeDays !== undefined) t.contractReviewAgeDays = f.contractReviewAgeDays;
    if (r.tls?.certDaysLeft !== undefined) t.tlsCertDaysLeft = r.tls.certDaysLeft;
    if ((f.verdict === 'drift' || f.verdict === 'violation' || f.shapeDiff) && this.limits.recentEvents > 0) {
      t.recent.unshift({
        at: new Date(r.startTimeMs).toISOString(),
        verdict: f.verdict ?? 'drift',
        probe: r.request.probe,
        status: r.response.status,
        findings: f.items
          .filter((i) => i.level === 'drift' || i.level === 'violation')
          .slice(0, 8)
          .map((i) => `${i.kind} ${i.path}`),
        shapeDiff: f.shapeDiff,
      });
      if (t.recent.length > this.limits.recentEvents) t.recent.length = this.limits.recentEvents;
    }
  }

  /** Latency of every call with a duration, failed ones included and counted (bounded keys). */
  private latency(
    t: Target,
    slot: Map<string, LatencySlot>,
    table: string,
    key: string,
    ms: number | undefined,
    failed: boolean,
  ): void {
    if (ms === undefined) return;
    let keys = t.latencyKeys.get(table);
    if (!keys) t.latencyKeys.set(table, (keys = new Set()));
    if (!keys.has(key)) {
      if (keys.size >= MAX_KEYS) key = '(other)';
      keys.add(key);
    }
    const k = `${table}\u0000${key}`;
    let s = slot.get(k);
    if (!s) slot.set(k, (s = new LatencySlot()));
    s.hist.add(ms);
    if (failed) s.failed++;
  }

  private addExpectation(t: Target, r: CallRecord): void {
    const x = r.findings.expectation!;
    const probe = r.request.probe ?? x.kind;
    let e = t.expectations.get(probe);
    if (!e) {
      if (t.expectations.size >= MAX_KEYS) return;
      e = {
        probe,
        kind: x.kind,
        state: 'held',
        held: 0,
        broken: 0,
        inconclusive: 0,
        last_reason: null,
        last_at: '',
      };
      t.expectations.set(probe, e);
    }
    e.state = x.held ? 'held' : 'broken';
    if (x.held) e.held++;
    else e.broken++;
    if (x.inconclusive) e.inconclusive++;
    e.last_reason = x.held && !x.inconclusive ? null : (x.reason ?? null);
    e.last_at = new Date(r.startTimeMs).toISOString();
  }

  private addError(
    t: Target,
    r: CallRecord,
    inc: (k: 'auth_failures' | 'rate_limited' | 'quota_exhausted' | 'timeouts') => void,
  ): void {
    const f = r.findings;
    const cls = f.errorClass!;
    let s = t.errors.get(cls);
    if (!s) {
      s = {
        count: 0,
        owner: null,
        first_action: null,
        runbook: null,
        retryable: null,
        statuses: {},
        sub_reasons: {},
      };
      t.errors.set(cls, s);
    }
    s.count++;
    s.owner = f.owner ?? s.owner;
    s.first_action = f.firstAction ?? s.first_action;
    s.runbook = f.runbook ?? s.runbook;
    s.retryable = f.retryable ?? s.retryable;
    bump(s.statuses, String(r.response.status ?? r.transportError?.code ?? 'none'));
    if (f.subReason) bump(s.sub_reasons, f.subReason);
    if (cls === 'auth') {
      inc('auth_failures');
      t.authFailureTimes.push(r.startTimeMs);
      if (t.authFailureTimes.length > 1000) t.authFailureTimes.shift();
    }
    if (cls === 'rate_limit') {
      if (f.subReason === 'quota' || f.subReason === 'insufficient_quota') inc('quota_exhausted');
      else inc('rate_limited');
    }
    if (cls === 'timeout') inc('timeouts');
  }

  /** The JSON served at /status.json (and rendered by /status). */
  snapshot(configChangedAt: number): StatusSnapshot {
    const now = this.now();
    const sinceStartMinutes = Math.ceil((now - this.startedAt) / 60_000) + 1;
    const targets = [...this.targets.values()].map((t): TargetView => {
      const w = t.windows;
      const last5 = w.counts(now, 5);
      const expectations = [...t.expectations.values()].map((e) => ({ ...e }));
      const { state, reason } = targetState(last5, expectations, now);
      const view = (counts: typeof last5) => ({ counts, rates: ratesOf(counts) });
      const hourMinutes = Math.min(60, sinceStartMinutes);
      return {
        receiver: t.receiver,
        source: t.source,
        provider: t.provider,
        endpoint: t.endpoint,
        state,
        state_reason: reason,
        models: { ...t.models },
        windows: {
          last_5m: view(last5),
          last_1h: view(w.counts(now, hourMinutes)),
          since_start: view({ ...w.total }),
        },
        sparklines: Object.fromEntries(HEADLINE_RATES.map((k) => [k, w.series(now, k)])) as Record<
          RateName,
          Array<number | null>
        >,
        expectations,
        status_codes: { ...t.statusCodes },
        verdicts: { ...t.verdicts },
        errors: Object.fromEntries([...t.errors].map(([k, v]) => [k, { ...v }])),
        auth_failures_since_config_change: t.authFailureTimes.filter((at) => at >= configChangedAt).length,
        response_models: { ...t.responseModels },
        latency_by_probe: w.latency(now, 60, 'latency_by_probe'),
        latency_by_prompt_size: w.latency(now, 60, 'latency_by_prompt_size'),
        ttft_by_probe: w.latency(now, 60, 'ttft_by_probe'),
        contract_review_age_days: t.contractReviewAgeDays ?? null,
        tls_cert_days_left: t.tlsCertDaysLeft ?? null,
        recent_events: [...t.recent],
        last_seen: t.lastSeen ? new Date(t.lastSeen).toISOString() : null,
      };
    });
    return {
      generated_at: new Date(now).toISOString(),
      since: new Date(this.startedAt).toISOString(),
      config_changed_at: new Date(configChangedAt).toISOString(),
      targets,
      events: Object.fromEntries(Object.entries(this.events).map(([k, v]) => [k, { ...v }])),
    };
  }
}

export type { StatusSnapshot };
