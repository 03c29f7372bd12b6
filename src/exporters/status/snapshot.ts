// SPDX-License-Identifier: Apache-2.0
// The typed shape of /status.json, which the page renders: one card per target (receiver ×
// provider × endpoint), each with an overall state, counts per window, per-minute rates for
// the sparklines, deliberate probes as expectations, and latency tables that include failures.
import type { ShapeDiff } from '../../model/call-record.js';

/** healthy: nothing wrong in the last 5 minutes; drift / violation: the worst verdict seen
 * there (a broken expectation counts as a violation); down: calls but none answered with a
 * 2xx; idle: no call in the last 5 minutes. */
export type TargetState = 'healthy' | 'drift' | 'violation' | 'down' | 'idle';

export type WindowName = 'last_5m' | 'last_1h' | 'since_start';
export const WINDOWS: readonly WindowName[] = ['last_5m', 'last_1h', 'since_start'];

/** Counts over one window (deliberate probes are not in here: see `expectations`). */
export interface WindowCounts {
  calls: number;
  /** Calls answered with a 2xx and no transport error. */
  answered: number;
  schema_valid: number;
  schema_invalid: number;
  drift: number;
  violations: number;
  timeouts: number;
  auth_failures: number;
  rate_limited: number;
  quota_exhausted: number;
  /** Calls where a fallback or retry happened (gateway upstream retried, probe retried). */
  fallbacks: number;
  retries_after_failure: number;
  retries_succeeded: number;
  usage_present: number;
  usage_missing: number;
}

/** Headline rates of one window; null when the denominator is 0 (nothing to divide). */
export interface WindowRates {
  schema_valid_rate: number | null;
  timeout_rate: number | null;
  fallback_rate: number | null;
  retry_success_rate: number | null;
  usage_availability: number | null;
}

export type RateName = keyof WindowRates;
export const HEADLINE_RATES: readonly RateName[] = [
  'schema_valid_rate',
  'timeout_rate',
  'fallback_rate',
  'retry_success_rate',
  'usage_availability',
];

export interface WindowView {
  counts: WindowCounts;
  rates: WindowRates;
}

export interface ErrorClassView {
  count: number;
  owner: string | null;
  first_action: string | null;
  runbook: string | null;
  retryable: boolean | null;
  statuses: Record<string, number>;
  sub_reasons: Record<string, number>;
}

/** A deliberate probe (invalid_request, timeout_boundary): its provoked failure is expected. */
export interface ExpectationView {
  probe: string;
  kind: string;
  /** State of the last run. */
  state: 'held' | 'broken';
  held: number;
  broken: number;
  /** Runs a transient failure (429, 503, network) kept from testing anything; counted as held. */
  inconclusive: number;
  last_reason: string | null;
  last_at: string;
}

export interface LatencyRow {
  /** All calls with a duration, failed ones included. */
  count: number;
  /** Of which failed (error class, transport error or violation). */
  failed: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface RecentEvent {
  at: string;
  verdict: string;
  probe?: string;
  status?: number;
  findings: string[];
  shapeDiff?: ShapeDiff;
}

export interface TargetView {
  receiver: string;
  provider: string;
  endpoint: string;
  state: TargetState;
  /** Why the state is what it is, in a few words. */
  state_reason: string;
  /** Requested models (deliberate probes' made-up models excluded). */
  models: Record<string, number>;
  windows: Record<WindowName, WindowView>;
  /** One value per minute over the last hour, oldest first (null: no call that minute). */
  sparklines: Record<RateName, Array<number | null>>;
  expectations: ExpectationView[];
  status_codes: Record<string, number>;
  verdicts: Record<string, number>;
  errors: Record<string, ErrorClassView>;
  auth_failures_since_config_change: number;
  response_models: Record<string, number>;
  /** Last hour, failed calls included (column `failed`). */
  latency_by_probe: Record<string, LatencyRow>;
  latency_by_prompt_size: Record<string, LatencyRow>;
  ttft_by_probe: Record<string, LatencyRow>;
  contract_review_age_days: number | null;
  tls_cert_days_left: number | null;
  recent_events: RecentEvent[];
  last_seen: string | null;
}

export interface WatchEventView {
  count: number;
  last: string;
  attributes: Record<string, string | number | boolean>;
}

export interface StatusSnapshot {
  generated_at: string;
  since: string;
  config_changed_at: string;
  targets: TargetView[];
  events: Record<string, WatchEventView>;
}
