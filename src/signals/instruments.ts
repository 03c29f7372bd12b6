// SPDX-License-Identifier: Apache-2.0
// Instruments for every MetricDef, created once per exporter on its own MeterProvider; a batch's
// shared metric view (metric-view.ts) is merged into them.
import type { Counter, Gauge, Meter } from '@opentelemetry/api';
import type { HistogramStore } from './histogram-store.js';
import type { BatchMetrics } from './metric-view.js';
import { ALL_METRICS } from './names.js';
import type { Family, MetricDef } from './names.js';

export type Instrument =
  { kind: 'counter'; def: MetricDef; i: Counter } | { kind: 'gauge'; def: MetricDef; i: Gauge };

/**
 * One exporter's aggregation state; a disabled family records nothing. Counter and gauge values
 * arrive already summed per batch and series (the view), so the SDK, which hashes attributes by
 * sorting and serialising them on every call, sees one call per series per batch; histograms go
 * to the HistogramStore.
 */
export class Instruments {
  private readonly byDef = new Map<MetricDef, Instrument>();
  private readonly histogramDefs = new Set<MetricDef>();

  constructor(
    meter: Meter,
    families: ReadonlySet<Family>,
    private readonly histograms: HistogramStore,
  ) {
    for (const def of ALL_METRICS) {
      if (!families.has(def.family)) continue;
      const opts = { unit: def.unit, description: def.description };
      if (def.kind === 'histogram') {
        histograms.register(def);
        this.histogramDefs.add(def);
      } else if (def.kind === 'counter')
        this.byDef.set(def, { kind: 'counter', def, i: meter.createCounter(def.name, opts) });
      else this.byDef.set(def, { kind: 'gauge', def, i: meter.createGauge(def.name, opts) });
    }
  }

  /** Adds a batch's view: one SDK call per counter or gauge series, one merge per histogram series. */
  merge(view: BatchMetrics): void {
    for (const [def, set, value] of view.eachValue()) {
      const inst = this.byDef.get(def);
      if (!inst) continue;
      if (inst.kind === 'counter') inst.i.add(value, set.attrs);
      else inst.i.record(value, set.attrs);
    }
    for (const [def, set, delta] of view.eachHistogram())
      if (this.histogramDefs.has(def)) this.histograms.merge(def.name, set, delta);
  }
}
