// SPDX-License-Identifier: Apache-2.0
// Instruments for every MetricDef, created once per exporter on its own MeterProvider.
import type { Attributes, Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import { ALL_METRICS } from './names.js';
import type { Family, MetricDef } from './names.js';

export type Instrument =
  | { kind: 'counter'; def: MetricDef; i: Counter }
  | { kind: 'histogram'; def: MetricDef; i: Histogram }
  | { kind: 'gauge'; def: MetricDef; i: Gauge };

/** Records values by metric name; a disabled family records nothing. */
export class Instruments {
  private readonly byName = new Map<string, Instrument>();

  constructor(meter: Meter, families: ReadonlySet<Family>) {
    for (const def of ALL_METRICS) {
      if (!families.has(def.family)) continue;
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
    const inst = this.byName.get(def.name);
    if (!inst || !Number.isFinite(value)) return;
    if (inst.kind === 'counter') {
      if (value >= 0) inst.i.add(value, attrs);
    } else if (inst.kind === 'histogram') {
      if (value >= 0) inst.i.record(value, attrs);
    } else inst.i.record(value, attrs);
  }
}
