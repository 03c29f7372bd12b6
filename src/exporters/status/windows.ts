// SPDX-License-Identifier: Apache-2.0
// Counts per minute for the last hour plus a running total since start: the 5-minute and
// 1-hour windows are sums of minute slots, the sparklines read one rate per slot. Fixed
// memory per target (60 slots), whatever the call rate.
import { LatencyHistogram } from '../../util/latency-histogram.js';
import type { LatencyRow, RateName, WindowCounts, WindowRates } from './snapshot.js';

export const SLOT_MS = 60_000;
export const SLOTS = 60;

export function emptyCounts(): WindowCounts {
  return {
    calls: 0,
    answered: 0,
    schema_valid: 0,
    schema_invalid: 0,
    drift: 0,
    violations: 0,
    timeouts: 0,
    auth_failures: 0,
    rate_limited: 0,
    quota_exhausted: 0,
    fallbacks: 0,
    retries_after_failure: 0,
    retries_succeeded: 0,
    usage_present: 0,
    usage_missing: 0,
  };
}

function addCounts(into: WindowCounts, from: WindowCounts): WindowCounts {
  for (const k of Object.keys(into) as Array<keyof WindowCounts>) into[k] += from[k];
  return into;
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10000) / 10000);

export function ratesOf(c: WindowCounts): WindowRates {
  return {
    schema_valid_rate: ratio(c.schema_valid, c.schema_valid + c.schema_invalid),
    timeout_rate: ratio(c.timeouts, c.calls),
    fallback_rate: ratio(c.fallbacks, c.calls),
    retry_success_rate: ratio(c.retries_succeeded, c.retries_after_failure),
    usage_availability: ratio(c.usage_present, c.usage_present + c.usage_missing),
  };
}

/** Latency samples of one minute slot, failed calls counted apart. */
export class LatencySlot {
  readonly hist = new LatencyHistogram();
  failed = 0;
}

interface Slot {
  /** Minute number (epoch ms / 60 000) this slot holds; stale slots are reset on use. */
  minute: number;
  counts: WindowCounts;
  latency: Map<string, LatencySlot>;
}

export class MinuteWindows {
  private readonly slots: Slot[] = Array.from({ length: SLOTS }, () => ({
    minute: -1,
    counts: emptyCounts(),
    latency: new Map(),
  }));
  readonly total = emptyCounts();

  /** The slot for time `at`, reset when it last held an older minute. */
  slot(at: number): Slot {
    const minute = Math.floor(at / SLOT_MS);
    const s = this.slots[minute % SLOTS];
    if (s.minute !== minute) {
      s.minute = minute;
      s.counts = emptyCounts();
      s.latency = new Map();
    }
    return s;
  }

  /** Slots of the last `minutes` minutes ending at `now` (current minute included). */
  private recent(now: number, minutes: number): Slot[] {
    const current = Math.floor(now / SLOT_MS);
    return this.slots.filter((s) => s.minute > current - minutes && s.minute <= current);
  }

  counts(now: number, minutes: number): WindowCounts {
    return this.recent(now, minutes).reduce((acc, s) => addCounts(acc, s.counts), emptyCounts());
  }

  /** One rate per minute of the last hour, oldest first; null where the minute had no denominator. */
  series(now: number, rate: RateName): Array<number | null> {
    const current = Math.floor(now / SLOT_MS);
    const byMinute = new Map(this.slots.map((s) => [s.minute, s]));
    const out: Array<number | null> = [];
    for (let m = current - SLOTS + 1; m <= current; m++) {
      const s = byMinute.get(m);
      out.push(s ? ratesOf(s.counts)[rate] : null);
    }
    return out;
  }

  /** Latency quantiles over the last `minutes`, per key (latency maps are keyed `table\0key`). */
  latency(now: number, minutes: number, table: string): Record<string, LatencyRow> {
    const merged = new Map<string, { hist: LatencyHistogram; failed: number }>();
    for (const s of this.recent(now, minutes))
      for (const [k, v] of s.latency) {
        const [t, key] = k.split('\u0000');
        if (t !== table) continue;
        const m = merged.get(key) ?? { hist: new LatencyHistogram(), failed: 0 };
        m.hist.merge(v.hist);
        m.failed += v.failed;
        merged.set(key, m);
      }
    return Object.fromEntries(
      [...merged].map(([k, m]) => [
        k,
        {
          count: m.hist.count,
          failed: m.failed,
          p50_ms: m.hist.quantile(0.5) ?? null,
          p95_ms: m.hist.quantile(0.95) ?? null,
        },
      ]),
    );
  }
}
