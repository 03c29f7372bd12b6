// SPDX-License-Identifier: Apache-2.0
// Instruments for every MetricDef, created once per exporter on its own MeterProvider.
import type { Attributes, Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import type { HistogramStore } from './histogram-store.js';
import { ALL_METRICS } from './names.js';
import type { Family, MetricDef } from './names.js';

export type Instrument =
  | { kind: 'counter'; def: MetricDef; i: Counter }
  | { kind: 'histogram'; def: MetricDef; i: Histogram }
  | { kind: 'gauge'; def: MetricDef; i: Gauge };

/**
 * Records values by metric name; a disabled family records nothing. Counter and gauge values are
 * pre-aggregated per batch by a cheap key (the SDK hashes attributes by sorting and serialising
 * them on every call, which dominated the profile), then handed to the SDK once per series.
 */
export class Instruments {
  private readonly byName = new Map<string, Instrument>();
  private readonly pending = new Map<string, { inst: Instrument; value: number; attrs: Attributes }>();

  constructor(
    meter: Meter,
    families: ReadonlySet<Family>,
    private readonly histograms: HistogramStore,
  ) {
    for (const def of ALL_METRICS) {
      if (!families.has(def.family)) continue;
      if (def.kind === 'histogram') {
        histograms.register(def);
        continue;
      }
      const opts = { unit: def.unit, description: def.description };
      if (def.kind === 'counter')
        this.byName.set(def.name, { kind: 'counter', def, i: meter.createCounter(def.name, opts) });
      else if (def.kind === 'gauge')
        this.byName.set(def.name, { kind: 'gauge', def, i: meter.createGauge(def.name, opts) });
      else
        this.byName.set(def.name, {
          kind: 'histogram',
          def,
          i: meter.createHistogram(def.name, {
            ...opts,
            advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] },
          }),
        });
    }
  }

  add(def: MetricDef, value: number, attrs: Attributes): void {
    if (def.kind === 'histogram') return this.histograms.record(def.name, value, attrs);
    const inst = this.byName.get(def.name);
    if (!inst || !Number.isFinite(value)) return;
    if (inst.kind === 'counter' && value < 0) return;
    let key = def.name;
    for (const k in attrs) key += `\u0000${k}\u0001${String(attrs[k])}`;
    const p = this.pending.get(key);
    if (!p) this.pending.set(key, { inst, value, attrs });
    else if (inst.kind === 'counter') p.value += value;
    else p.value = value; // gauge: last value wins
  }

  /** Hands the batch's pre-aggregated counter and gauge values to the SDK. */
  flush(): void {
    for (const { inst, value, attrs } of this.pending.values()) {
      if (inst.kind === 'counter') inst.i.add(value, attrs);
      else if (inst.kind === 'gauge') inst.i.record(value, attrs);
    }
    this.pending.clear();
  }
}
