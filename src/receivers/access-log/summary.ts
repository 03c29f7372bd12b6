// SPDX-License-Identifier: Apache-2.0
// In-process aggregation of access-log calls for `driftwatch replay`: counts by status and
// class, latency quantiles by route and model from the shared log-bucket histogram
// (src/util/latency-histogram.ts: at most 2 % high, bounded memory per key),
// retries and fallbacks.
import type { CallRecord } from '../../model/call-record.js';
import { LatencyHistogram } from '../../util/latency-histogram.js';
import type { LineClass } from './classify-line.js';

export interface LatencySummary {
  count: number;
  p50_ms?: number;
  p95_ms?: number;
  p99_ms?: number;
}

/** Attempts one upstream member got, and how many of them failed (non-last attempts always did). */
export interface MemberAttempts {
  attempts: number;
  failed: number;
}

/** Distinct members kept in the summary; the rest are added up under `other`. */
const MAX_MEMBERS = 50;

export interface ReplaySummary {
  files: string[];
  lines: { read: number; parsed: number; unparsed: number; truncated: number; trailing_content: number };
  calls: {
    total: number;
    ok: number;
    synthetic: number;
    by_status: Record<string, number>;
    by_class: Record<string, { count: number; owner: string; sub_reasons: Record<string, number> }>;
  };
  latency: { by_route: Record<string, LatencySummary>; by_model: Record<string, LatencySummary> };
  upstream: {
    with_upstream: number;
    /** Calls with more than one attempt within an upstream group (retries, not fallbacks). */
    retried: number;
    /** Extra attempts those retries made. */
    retry_attempts: number;
    retried_last_ok: number;
    retried_last_failed: number;
    /** Calls the gateway moved to another upstream group (nginx error_page fallback). */
    fallbacks: number;
    fallback_last_ok: number;
    fallback_last_failed: number;
    /** HAProxy `+N`: retried on another server. */
    redispatched: number;
    by_member: Record<string, MemberAttempts>;
  };
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; calls_with_usage: number };
  /** Things a user should know about the format (fields empty on most lines, unread variables). */
  warnings: string[];
  /** Set when nothing parsed: which format the lines look like. */
  hint?: string;
  elapsed_ms?: number;
}

export class SummaryAggregator {
  readonly lines = { read: 0, parsed: 0, unparsed: 0, truncated: 0, trailing_content: 0 };
  readonly warnings: string[] = [];
  private total = 0;
  private ok = 0;
  private synthetic = 0;
  private readonly byStatus = new Map<number | string, number>();
  private readonly byClass = new Map<string, { count: number; owner: string; sub: Map<string, number> }>();
  private readonly byRoute = new Map<string, LatencyHistogram>();
  private readonly byModel = new Map<string, LatencyHistogram>();
  private readonly up = {
    with_upstream: 0,
    retried: 0,
    retry_attempts: 0,
    retried_last_ok: 0,
    retried_last_failed: 0,
    fallbacks: 0,
    fallback_last_ok: 0,
    fallback_last_failed: 0,
    redispatched: 0,
  };
  private readonly members = new Map<string, MemberAttempts>();
  private readonly usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, calls_with_usage: 0 };

  add(r: CallRecord, c: LineClass): void {
    this.total++;
    const status = r.response.status ?? 'none';
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (r.request.synthetic) this.synthetic++;
    if (c.errorClass === undefined) this.ok++;
    else {
      let e = this.byClass.get(c.errorClass);
      if (!e) this.byClass.set(c.errorClass, (e = { count: 0, owner: c.owner ?? '', sub: new Map() }));
      e.count++;
      const sub = c.subReason ?? 'unknown';
      e.sub.set(sub, (e.sub.get(sub) ?? 0) + 1);
    }
    const ms = r.timings.totalMs;
    if (ms !== undefined) {
      hist(this.byRoute, r.request.route).add(ms);
      if (r.request.model !== undefined) hist(this.byModel, r.request.model).add(ms);
    }
    const up = r.upstream;
    if (up) {
      this.up.with_upstream++;
      if (c.retried) {
        this.up.retried++;
        this.up.retry_attempts += up.retries ?? 0;
        if (c.lastAttemptOk === true) this.up.retried_last_ok++;
        else if (c.lastAttemptOk === false) this.up.retried_last_failed++;
      }
      if (c.fallback) {
        this.up.fallbacks++;
        if (c.lastAttemptOk === true) this.up.fallback_last_ok++;
        else if (c.lastAttemptOk === false) this.up.fallback_last_failed++;
      }
      if (c.redispatched) this.up.redispatched++;
      const m = up.members;
      if (m !== undefined)
        for (let i = 0; i < m.length; i++) {
          // every attempt but the last failed (that is why the gateway tried again)
          const failed = i < m.length - 1 || up.lastAttemptOk === false;
          this.member(m[i], failed);
        }
    }
    const u = r.response.usage;
    if (u) {
      this.usage.calls_with_usage++;
      this.usage.prompt_tokens += u.promptTokens ?? 0;
      this.usage.completion_tokens += u.completionTokens ?? 0;
      this.usage.total_tokens += u.totalTokens ?? 0;
    }
  }

  private member(name: string, failed: boolean): void {
    let e = this.members.get(name);
    if (!e) {
      const key = this.members.size >= MAX_MEMBERS ? 'other' : name;
      e = this.members.get(key);
      if (!e) this.members.set(key, (e = { attempts: 0, failed: 0 }));
    }
    e.attempts++;
    if (failed) e.failed++;
  }

  summary(files: string[]): ReplaySummary {
    const lat = (m: Map<string, LatencyHistogram>) =>
      Object.fromEntries(
        [...m]
          .sort((a, b) => b[1].count - a[1].count)
          .map(([k, h]) => [
            k,
            { count: h.count, p50_ms: h.quantile(0.5), p95_ms: h.quantile(0.95), p99_ms: h.quantile(0.99) },
          ]),
      );
    return {
      files,
      lines: { ...this.lines },
      calls: {
        total: this.total,
        ok: this.ok,
        synthetic: this.synthetic,
        by_status: Object.fromEntries(
          [...this.byStatus].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        ),
        by_class: Object.fromEntries(
          [...this.byClass]
            .sort((a, b) => b[1].count - a[1].count)
            .map(([k, v]) => [k, { count: v.count, owner: v.owner, sub_reasons: Object.fromEntries(v.sub) }]),
        ),
      },
      latency: { by_route: lat(this.byRoute), by_model: lat(this.byModel) },
      upstream: {
        ...this.up,
        by_member: Object.fromEntries(
          [...this.members].sort((a, b) => b[1].attempts - a[1].attempts).map(([k, v]) => [k, { ...v }]),
        ),
      },
      usage: { ...this.usage },
      warnings: [...this.warnings],
    };
  }
}

function hist(m: Map<string, LatencyHistogram>, key: string): LatencyHistogram {
  let h = m.get(key);
  if (!h) m.set(key, (h = new LatencyHistogram()));
  return h;
}

/** Human-readable rendering of the summary. */
export function formatSummary(s: ReplaySummary): string {
  const out: string[] = [];
  out.push(`Files: ${s.files.join(', ')}`);
  out.push(
    `Lines: ${s.lines.read} read, ${s.lines.parsed} parsed, ${s.lines.unparsed} unparsed, ${s.lines.trailing_content} with trailing content, ${s.lines.truncated} cut (too long)`,
  );
  out.push(`Calls: ${s.calls.total} (${s.calls.ok} ok, ${s.calls.synthetic} synthetic)`);
  out.push(
    `By status: ${Object.entries(s.calls.by_status)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  out.push('By error class:');
  for (const [k, v] of Object.entries(s.calls.by_class)) {
    const subs = Object.entries(v.sub_reasons)
      .map(([a, b]) => `${a}=${b}`)
      .join(', ');
    out.push(`  ${k.padEnd(13)} ${String(v.count).padStart(8)}  owner: ${v.owner}  (${subs})`);
  }
  const table = (title: string, m: Record<string, LatencySummary>) => {
    out.push(`${title}:`);
    for (const [k, v] of Object.entries(m))
      out.push(
        `  ${k.padEnd(28)} n=${String(v.count).padEnd(8)} p50=${v.p50_ms}ms p95=${v.p95_ms}ms p99=${v.p99_ms}ms`,
      );
  };
  table('Latency by route', s.latency.by_route);
  table('Latency by model', s.latency.by_model);
  const u = s.upstream;
  out.push(
    `Upstream: ${u.retried} calls retried (${u.retry_attempts} extra attempts; last attempt ok ${u.retried_last_ok}, failed ${u.retried_last_failed}); ${u.fallbacks} fallbacks (last attempt ok ${u.fallback_last_ok}, failed ${u.fallback_last_failed}); ${u.redispatched} redispatched`,
  );
  const members = Object.entries(u.by_member);
  if (members.length > 0) {
    out.push('Attempts by upstream member:');
    for (const [k, v] of members)
      out.push(`  ${k.padEnd(28)} attempts=${String(v.attempts).padEnd(8)} failed=${v.failed}`);
  }
  if (s.usage.calls_with_usage > 0)
    out.push(
      `Usage (from logs): ${s.usage.calls_with_usage} calls, ${s.usage.prompt_tokens} prompt + ${s.usage.completion_tokens} completion = ${s.usage.total_tokens} tokens`,
    );
  for (const w of s.warnings) out.push(`Warning: ${w}`);
  if (s.hint !== undefined) out.push(`Nothing parsed. ${s.hint}`);
  if (s.elapsed_ms !== undefined) out.push(`Replayed in ${s.elapsed_ms} ms`);
  return `${out.join('\n')}\n`;
}
