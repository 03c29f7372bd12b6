// SPDX-License-Identifier: Apache-2.0
// In-process aggregation for the "contract health" page: per target and model, what the
// reliability guide asks a dashboard to show (schema-valid rate, violations and drift with
// their sanitized shape diffs, error classes with owner and first action, auth failures since
// the last config change, rate-limit and quota, timeouts, fallbacks and retry success, usage
// availability, response models, latency p50/p95 by probe and prompt size, budget, review age).
// Everything here is bounded: groups, models, events and samples.
import type { CallRecord, ShapeDiff } from '../../model/call-record.js';
import { TARGET_DECLARED_EVENT } from '../../signals/names.js';
import { schemaJudgement } from '../../signals/schema-judgement.js';
import { SampleWindow } from './quantiles.js';

export interface StatusLimits {
  latencySamples: number;
  recentEvents: number;
  maxGroups: number;
}

interface ErrorClassStats {
  count: number;
  owner?: string;
  firstAction?: string;
  runbook?: string;
  retryable?: boolean;
  statuses: Record<string, number>;
  subReasons: Record<string, number>;
}

export interface RecentEvent {
  at: string;
  verdict: string;
  probe?: string;
  status?: number;
  findings: string[];
  shapeDiff?: ShapeDiff;
}

const MAX_KEYS = 20;

function bump(o: Record<string, number>, k: string): void {
  if (k in o || Object.keys(o).length < MAX_KEYS) o[k] = (o[k] ?? 0) + 1;
  else o['(other)'] = (o['(other)'] ?? 0) + 1;
}

class Group {
  calls = 0;
  judged = 0;
  schemaValid = 0;
  schemaInvalid = 0;
  verdicts: Record<string, number> = {};
  drifts = 0;
  violations = 0;
  errors = new Map<string, ErrorClassStats>();
  authFailureTimes: number[] = [];
  rateLimited = 0;
  quota = 0;
  timeouts = 0;
  upstreamRetried = 0;
  fallbackSucceeded = 0;
  retryAttempted = 0;
  retrySucceeded = 0;
  usageSeen = 0;
  usageMissing = 0;
  responseModels: Record<string, number> = {};
  statusCodes: Record<string, number> = {};
  latencyByProbe = new Map<string, SampleWindow>();
  latencyByPromptSize = new Map<string, SampleWindow>();
  ttftByProbe = new Map<string, SampleWindow>();
  recent: RecentEvent[] = [];
  contractReviewAgeDays?: number;
  tlsCertDaysLeft?: number;
  lastSeen = 0;

  constructor(
    readonly receiver: string,
    readonly provider: string,
    readonly endpoint: string,
    readonly model: string,
  ) {}
}

export class ContractHealth {
  private readonly groups = new Map<string, Group>();
  private readonly events: Record<
    string,
    { count: number; last: string; attributes: Record<string, string | number | boolean> }
  > = {};
  readonly startedAt = Date.now();

  constructor(private readonly limits: StatusLimits) {}

  add(batch: readonly CallRecord[]): void {
    for (const r of batch) {
      if (r.event?.name === TARGET_DECLARED_EVENT) continue; // a configured target, not an event
      if (r.event) this.addEvent(r);
      else this.addCall(r);
    }
  }

  private addEvent(r: CallRecord): void {
    const e = r.event!;
    const slot = this.events[e.name];
    if (slot) {
      slot.count++;
      slot.last = new Date(r.startTimeMs).toISOString();
      slot.attributes = e.attributes;
    } else if (Object.keys(this.events).length < MAX_KEYS) {
      this.events[e.name] = {
        count: 1,
        last: new Date(r.startTimeMs).toISOString(),
        attributes: e.attributes,
      };
    }
  }

  private group(r: CallRecord): Group {
    const model = r.request.model ?? '(unknown)';
    const key = `${r.receiver}\u0000${r.target.provider}\u0000${r.target.endpoint}\u0000${model}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= this.limits.maxGroups) {
        let oldestKey: string | undefined;
        let oldest = Infinity;
        for (const [k, v] of this.groups) if (v.lastSeen < oldest) [oldest, oldestKey] = [v.lastSeen, k];
        if (oldestKey) this.groups.delete(oldestKey);
      }
      g = new Group(r.receiver, r.target.provider, r.target.endpoint, model);
      this.groups.set(key, g);
    }
    return g;
  }

  private window(m: Map<string, SampleWindow>, key: string): SampleWindow {
    let w = m.get(key);
    if (!w) {
      if (m.size >= MAX_KEYS) key = '(other)';
      w = m.get(key) ?? new SampleWindow(this.limits.latencySamples);
      m.set(key, w);
    }
    return w;
  }

  private addCall(r: CallRecord): void {
    const g = this.group(r);
    const f = r.findings;
    g.calls++;
    g.lastSeen = r.startTimeMs;
    if (r.response.status !== undefined) bump(g.statusCodes, String(r.response.status));
    else if (r.transportError) bump(g.statusCodes, `error:${r.transportError.code}`);
    if (f.verdict) {
      g.judged++;
      bump(g.verdicts, f.verdict);
      if (f.verdict === 'drift') g.drifts++;
      if (f.verdict === 'violation') g.violations++;
    }
    // the same decision as llm.response.schema_valid / schema_invalid (one function for both)
    const judged = schemaJudgement(r);
    if (judged === 'valid') g.schemaValid++;
    else if (judged === 'invalid') g.schemaInvalid++;
    if (f.errorClass) this.addError(g, r);
    if (r.upstream?.retried) {
      g.upstreamRetried++;
      if (r.upstream.lastAttemptOk) g.fallbackSucceeded++;
    }
    if (r.retry && r.retry.attempts > 0) {
      g.retryAttempted++;
      if (r.retry.succeededAfterFailure) g.retrySucceeded++;
    }
    const ok2xx = r.response.status !== undefined && r.response.status >= 200 && r.response.status < 300;
    if (ok2xx && r.source === 'probe') {
      const u = r.response.usage;
      if (u && (u.totalTokens != null || u.promptTokens != null)) g.usageSeen++;
      else g.usageMissing++;
    }
    if (r.response.model) bump(g.responseModels, r.response.model);
    const total = r.timings.totalMs;
    if (total !== undefined && !f.errorClass) {
      this.window(g.latencyByProbe, r.request.probe ?? r.source).add(total);
      if (r.request.promptSize) this.window(g.latencyByPromptSize, r.request.promptSize).add(total);
    }
    if (r.timings.firstTokenMs !== undefined)
      this.window(g.ttftByProbe, r.request.probe ?? r.source).add(r.timings.firstTokenMs);
    if (f.contractReviewAgeDays !== undefined) g.contractReviewAgeDays = f.contractReviewAgeDays;
    if (r.tls?.certDaysLeft !== undefined) g.tlsCertDaysLeft = r.tls.certDaysLeft;
    if ((f.verdict === 'drift' || f.verdict === 'violation' || f.shapeDiff) && this.limits.recentEvents > 0) {
      g.recent.unshift({
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
      if (g.recent.length > this.limits.recentEvents) g.recent.length = this.limits.recentEvents;
    }
  }

  private addError(g: Group, r: CallRecord): void {
    const f = r.findings;
    const cls = f.errorClass!;
    let s = g.errors.get(cls);
    if (!s) {
      s = { count: 0, statuses: {}, subReasons: {} };
      g.errors.set(cls, s);
    }
    s.count++;
    s.owner = f.owner ?? s.owner;
    s.firstAction = f.firstAction ?? s.firstAction;
    s.runbook = f.runbook ?? s.runbook;
    s.retryable = f.retryable ?? s.retryable;
    bump(s.statuses, String(r.response.status ?? r.transportError?.code ?? 'none'));
    if (f.subReason) bump(s.subReasons, f.subReason);
    if (cls === 'auth') {
      g.authFailureTimes.push(r.startTimeMs);
      if (g.authFailureTimes.length > 1000) g.authFailureTimes.shift();
    }
    if (cls === 'rate_limit') {
      if (f.subReason === 'quota' || f.subReason === 'insufficient_quota') g.quota++;
      else g.rateLimited++;
    }
    if (cls === 'timeout') g.timeouts++;
  }

  /** The JSON served at /status.json (and rendered by /status). */
  snapshot(configChangedAt: number): StatusSnapshot {
    const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
    const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10000) / 10000);
    const lat = (m: Map<string, SampleWindow>) =>
      Object.fromEntries(
        [...m].map(([k, w]) => [
          k,
          { count: w.count, p50_ms: round(w.quantile(0.5)), p95_ms: round(w.quantile(0.95)) },
        ]),
      );
    const groups = [...this.groups.values()].map((g) => ({
      receiver: g.receiver,
      provider: g.provider,
      endpoint: g.endpoint,
      model: g.model,
      calls: g.calls,
      schema_valid: g.schemaValid,
      schema_invalid: g.schemaInvalid,
      schema_valid_rate: rate(g.schemaValid, g.schemaValid + g.schemaInvalid),
      verdicts: g.verdicts,
      drift_events: g.drifts,
      violations: g.violations,
      status_codes: g.statusCodes,
      errors: Object.fromEntries(
        [...g.errors].map(([cls, s]) => [
          cls,
          {
            count: s.count,
            owner: s.owner ?? null,
            first_action: s.firstAction ?? null,
            runbook: s.runbook ?? null,
            retryable: s.retryable ?? null,
            statuses: s.statuses,
            sub_reasons: s.subReasons,
          },
        ]),
      ),
      auth_failures_since_config_change: g.authFailureTimes.filter((t) => t >= configChangedAt).length,
      rate_limited: g.rateLimited,
      quota_exhausted: g.quota,
      timeouts: g.timeouts,
      timeout_rate: rate(g.timeouts, g.calls),
      fallback_activations: g.upstreamRetried,
      fallback_succeeded: g.fallbackSucceeded,
      retry_attempted: g.retryAttempted,
      retry_succeeded: g.retrySucceeded,
      usage_present: g.usageSeen,
      usage_missing: g.usageMissing,
      usage_availability: rate(g.usageSeen, g.usageSeen + g.usageMissing),
      response_models: g.responseModels,
      latency_by_probe: lat(g.latencyByProbe),
      latency_by_prompt_size: lat(g.latencyByPromptSize),
      ttft_by_probe: lat(g.ttftByProbe),
      contract_review_age_days: g.contractReviewAgeDays ?? null,
      tls_cert_days_left: g.tlsCertDaysLeft ?? null,
      recent_events: g.recent,
      last_seen: g.lastSeen ? new Date(g.lastSeen).toISOString() : null,
    }));
    return {
      generated_at: new Date().toISOString(),
      since: new Date(this.startedAt).toISOString(),
      config_changed_at: new Date(configChangedAt).toISOString(),
      groups,
      events: this.events,
    };
  }
}

export interface StatusSnapshot {
  generated_at: string;
  since: string;
  config_changed_at: string;
  groups: Array<Record<string, unknown> & { receiver: string; model: string; calls: number }>;
  events: Record<
    string,
    { count: number; last: string; attributes: Record<string, string | number | boolean> }
  >;
}
