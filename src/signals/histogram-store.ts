// SPDX-License-Identifier: Apache-2.0
// Explicit-bucket histograms aggregated by a precomputed key (DESIGN.md §7), plugged into the
// SDK's MetricReader as a MetricProducer so collection, resource and serialization stay the SDK's.
// Why not the SDK's own Histogram instrument: it hashes the attributes (sort + JSON) on every
// record() call, which was ~70% of the CPU of `npm run bench` (≈8k records/s); records carry
// ~10 histogram values each. Series per metric are capped; the excess folds into one
// `otel.metric.overflow=true` series, as the SDK does.
import { ValueType } from '@opentelemetry/api';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { CollectionResult, HistogramMetricData, MetricProducer } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import type { AttrSet } from './attr-set.js';
import { observeValue } from './metric-view.js';
import type { HistogramDelta } from './metric-view.js';
import type { MetricDef } from './names.js';
import { AGENT_VERSION } from './resource.js';

interface Series {
  attrs: Attributes;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
  start: HrTime;
}

interface Family {
  def: MetricDef;
  boundaries: number[];
  series: Map<string, Series>;
}

export const MAX_SERIES_PER_METRIC = 2000;
const OVERFLOW_KEY = '\u0000overflow';

export class HistogramStore implements MetricProducer {
  private readonly families = new Map<string, Family>();
  private lastCollect: HrTime = hrTime();

  constructor(
    private readonly temporality: 'cumulative' | 'delta',
    private readonly scope = 'driftwatch',
  ) {}

  register(def: MetricDef): void {
    this.families.set(def.name, { def, boundaries: [...(def.buckets ?? [])], series: new Map() });
  }

  has(name: string): boolean {
    return this.families.has(name);
  }

  /** One value (tests); the pipeline merges whole batches with merge(). */
  record(name: string, value: number, set: AttrSet): void {
    const f = this.families.get(name);
    if (!f || !(value >= 0) || !Number.isFinite(value)) return;
    observeValue(this.series(f, set), f.boundaries, value);
  }

  /** A batch's bucketed values for one series (metric-view.ts), added at once. */
  merge(name: string, set: AttrSet, d: HistogramDelta): void {
    const f = this.families.get(name);
    if (!f || d.count === 0 || d.counts.length !== f.boundaries.length + 1) return;
    const s = this.series(f, set);
    for (let i = 0; i < d.counts.length; i++) s.counts[i] += d.counts[i];
    s.sum += d.sum;
    s.count += d.count;
    if (d.min < s.min) s.min = d.min;
    if (d.max > s.max) s.max = d.max;
  }

  private series(f: Family, set: AttrSet): Series {
    let key = set.key;
    let s = f.series.get(key);
    if (s) return s;
    let attrs = set.attrs;
    if (f.series.size >= MAX_SERIES_PER_METRIC) {
      key = OVERFLOW_KEY;
      s = f.series.get(key);
      if (s) return s;
      attrs = { 'otel.metric.overflow': true };
    }
    s = {
      attrs,
      counts: new Array<number>(f.boundaries.length + 1).fill(0),
      sum: 0,
      count: 0,
      min: Infinity,
      max: -Infinity,
      start: this.temporality === 'delta' ? this.lastCollect : hrTime(),
    };
    f.series.set(key, s);
    return s;
  }

  async collect(): Promise<CollectionResult> {
    const now = hrTime();
    const metrics: HistogramMetricData[] = [];
    for (const f of this.families.values()) {
      if (f.series.size === 0) continue;
      metrics.push({
        descriptor: {
          name: f.def.name,
          description: f.def.description,
          unit: f.def.unit,
          valueType: ValueType.DOUBLE,
        },
        aggregationTemporality:
          this.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [...f.series.values()].map((s) => ({
          attributes: s.attrs,
          startTime: s.start,
          endTime: now,
          value: {
            buckets: { boundaries: f.boundaries, counts: [...s.counts] },
            sum: s.sum,
            count: s.count,
            min: s.min,
            max: s.max,
          },
        })),
      });
      if (this.temporality === 'delta') f.series.clear();
    }
    this.lastCollect = now;
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics: metrics.length
          ? [{ scope: { name: this.scope, version: AGENT_VERSION }, metrics }]
          : [],
      },
      errors: [],
    };
  }
}
