// SPDX-License-Identifier: Apache-2.0
// Instruments for every MetricDef, created once per exporter on its own MeterProvider.
import type { Attributes, Counter, Gauge, Meter } from '@opentelemetry/api';
import type { AttrSet } from './attr-set.js';
import type { HistogramStore } from './histogram-store.js';
import { ALL_METRICS } from './names.js';
import type { Family, MetricDef } from './names.js';

export type Instrument =
  | { kind: 'counter'; def: MetricDef; i: Counter; pending: Map<string, Pending> }
  | { kind: 'gauge'; def: MetricDef; i: Gauge; pending: Map<string, Pending> };

interface Pending {
  value: number;
  attrs: Attributes;
}

/**
 * Records values by metric name; a disabled family records nothing. Counter and gauge values are
 * pre-aggregated per batch by the AttrSet key and handed to the SDK once per series (the SDK
 * hashes attributes by sorting and serialising them on every call, which dominated the
 * profile); histograms go to the HistogramStore.
 */
export class Instruments {
  private readonly byName = new Map<string, Instrument>();

  constructor(
    meter: Meter,
    families: ReadonlySet<Family>,
    private readonly histograms: HistogramStore,
  ) {
    for (const def of ALL_METRICS) {
      if (!families.has(def.family)) continue;
      const opts = { unit: def.unit, description: def.description };
      if (def.kind === 'histogram') histograms.register(def);
      else if (def.kind === 'counter')
        this.byName.set(def.name, {
          kind: 'counter',
          def,
          i: meter.createCounter(def.name, opts),
          pending: new Map(),
        });
      else
        this.byName.set(def.name, {
          kind: 'gauge',
          def,
          i: meter.createGauge(def.name, opts),
          pending: new Map(),
        });
    }
  }

  add(def: MetricDef, value: number, set: AttrSet): void {
    if (def.kind === 'histogram') return this.histograms.record(def.name, value, set);
    const inst = this.byName.get(def.name);
    if (!inst || !Number.isFinite(value)) return;
    if (inst.kind === 'counter' && value < 0) return;
    const p = inst.pending.get(set.key);
    if (!p) inst.pending.set(set.key, { value, attrs: set.attrs });
    else if (inst.kind === 'counter') p.value += value;
    else p.value = value; // gauge: last value wins
  }

  /** Hands the batch's pre-aggregated counter and gauge values to the SDK. */
  flush(): void {
    for (const inst of this.byName.values()) {
      if (inst.pending.size === 0) continue;
      for (const { value, attrs } of inst.pending.values()) {
        if (inst.kind === 'counter') inst.i.add(value, attrs);
        else inst.i.record(value, attrs);
      }
      inst.pending.clear();
    }
  }
}
