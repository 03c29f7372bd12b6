// SPDX-License-Identifier: Apache-2.0
// The agent's own telemetry: a tiny in-process registry of counters and gauges that renders
// the Prometheus text format for /metrics. Names mirror the Collector's otelcol_* metrics.
// Label sets are bounded by construction (component ids, a fixed reason vocabulary).

import { ExpositionWriter, renderLabels } from './exposition.js';
import type { ExpositionFormat } from './exposition.js';

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  series: Map<string, Series>;
  /** Gauges may be read at scrape time. */
  collect?: () => Array<{ labels: Labels; value: number }>;
}

interface Series {
  labels: Labels;
  value: number;
}

/**
 * The series key: labels in name order. Label sets are small, and this runs for every counted
 * call, so an insertion sort and one string (`Array.prototype.sort` allocates a work array).
 */
function keyOf(labels: Labels): string {
  const keys = Object.keys(labels);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
    keys[j + 1] = k;
  }
  let key = '';
  for (let i = 0; i < keys.length; i++) key += `${i > 0 ? ',' : ''}${keys[i]}=${labels[keys[i]]}`;
  return key;
}

/** One series of a counter, looked up once: for a hot path that counts with fixed labels. */
export class BoundCounter {
  private series?: Series;
  constructor(
    private readonly family: Family,
    private readonly key: string,
    private readonly labels: Labels,
  ) {}
  add(value: number): void {
    if (!(value > 0)) return;
    // created on the first add, like `Counter.add`: binding alone shows no series
    this.series ??= this.family.series.get(this.key);
    if (this.series) this.series.value += value;
    else {
      this.series = { labels: this.labels, value };
      this.family.series.set(this.key, this.series);
    }
  }
}

/** One series of a gauge, looked up once. */
export class BoundGauge {
  constructor(
    private readonly family: Family,
    private readonly key: string,
    private readonly labels: Labels,
  ) {}
  set(value: number): void {
    const s = this.family.series.get(this.key);
    if (s) s.value = value;
    else this.family.series.set(this.key, { labels: this.labels, value });
  }
}

export class Counter {
  constructor(private readonly family: Family) {}
  add(value: number, labels: Labels = {}): void {
    if (!(value > 0)) return;
    const k = keyOf(labels);
    const s = this.family.series.get(k);
    if (s) s.value += value;
    else this.family.series.set(k, { labels, value });
  }
  /** The series of `labels`, for counting often with the same labels. */
  bind(labels: Labels): BoundCounter {
    return new BoundCounter(this.family, keyOf(labels), { ...labels });
  }
  /** Make a zero series visible before the first event (so alerts see 0, not absence). */
  touch(labels: Labels = {}): void {
    const k = keyOf(labels);
    if (!this.family.series.has(k)) this.family.series.set(k, { labels, value: 0 });
  }
  get(labels: Labels = {}): number {
    return this.family.series.get(keyOf(labels))?.value ?? 0;
  }
}

export class Gauge {
  constructor(private readonly family: Family) {}
  set(value: number, labels: Labels = {}): void {
    this.family.series.set(keyOf(labels), { labels, value });
  }
  /** The series of `labels`, for setting often with the same labels. */
  bind(labels: Labels): BoundGauge {
    return new BoundGauge(this.family, keyOf(labels), { ...labels });
  }
  get(labels: Labels = {}): number {
    return this.family.series.get(keyOf(labels))?.value ?? 0;
  }
  remove(labels: Labels = {}): void {
    this.family.series.delete(keyOf(labels));
  }
}

export class SelfMetrics {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): Counter {
    return new Counter(this.family(name, help, 'counter'));
  }

  gauge(name: string, help: string): Gauge {
    return new Gauge(this.family(name, help, 'gauge'));
  }

  /** A gauge computed at scrape time. */
  observableGauge(name: string, help: string, collect: () => Array<{ labels: Labels; value: number }>): void {
    this.family(name, help, 'gauge').collect = collect;
  }

  /** A monotonic total read at scrape time (process CPU seconds): typed counter, not gauge. */
  observableCounter(
    name: string,
    help: string,
    collect: () => Array<{ labels: Labels; value: number }>,
  ): void {
    this.family(name, help, 'counter').collect = collect;
  }

  /** Current value of one series (tests and the status page). */
  value(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.series.get(keyOf(labels))?.value ?? 0;
  }

  /** Sum over all series of a family whose labels include `match`. */
  sum(name: string, match: Labels = {}): number {
    const fam = this.families.get(name);
    if (!fam) return 0;
    let total = 0;
    for (const s of fam.series.values()) {
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
    return total;
  }

  /** Every family with its current series (what /metrics shows), for the OTLP push of service.telemetry. */
  snapshot(): Array<{
    name: string;
    help: string;
    type: 'counter' | 'gauge';
    series: Array<{ labels: Labels; value: number }>;
  }> {
    return [...this.families.values()].map((f) => ({
      name: f.name,
      help: f.help,
      type: f.type,
      series: f.collect ? f.collect() : [...f.series.values()],
    }));
  }

  /**
   * The /metrics page: text format 0.0.4 by default, OpenMetrics when asked; `target_info` with
   * the resource attributes when given.
   */
  renderPrometheus(format: ExpositionFormat = 'text', resource?: Record<string, unknown>): string {
    const w = new ExpositionWriter(format);
    if (resource) w.targetInfo(resource);
    for (const fam of this.snapshot().sort((a, b) => a.name.localeCompare(b.name))) {
      w.family(fam.name, fam.type, fam.help);
      for (const s of fam.series) {
        w.sample(fam.name, renderLabels(Object.entries(s.labels)), Number.isFinite(s.value) ? s.value : 0);
      }
    }
    return w.finish();
  }

  private family(name: string, help: string, type: Family['type']): Family {
    let fam = this.families.get(name);
    if (!fam) {
      fam = { name, help, type, series: new Map() };
      this.families.set(name, fam);
    } else if (fam.type !== type) {
      throw new Error(`metric ${name} registered twice with different types`);
    }
    return fam;
  }
}

/** Process metrics every agent exposes (RSS, CPU, uptime, heap). */
export function registerProcessMetrics(m: SelfMetrics, startedAt = Date.now()): void {
  m.observableGauge('driftwatch_process_resident_memory_bytes', 'Resident set size of the agent.', () => [
    { labels: {}, value: process.memoryUsage.rss() },
  ]);
  m.observableGauge('driftwatch_process_heap_used_bytes', 'V8 heap in use.', () => [
    { labels: {}, value: process.memoryUsage().heapUsed },
  ]);
  m.observableCounter(
    'driftwatch_process_cpu_seconds_total',
    'User plus system CPU time of the agent.',
    () => {
      const u = process.cpuUsage();
      return [{ labels: {}, value: (u.user + u.system) / 1e6 }];
    },
  );
  m.observableGauge('driftwatch_process_uptime_seconds', 'Seconds since the agent started.', () => [
    { labels: {}, value: (Date.now() - startedAt) / 1000 },
  ]);
}
