// SPDX-License-Identifier: Apache-2.0
// The prometheus exporter's page: the SDK's aggregated metrics under the names of
// docs/signals.md (prometheusName() in src/signals/names.ts), in the text format 0.0.4 or
// OpenMetrics 1.0 (src/telemetry/exposition.ts), with `target_info`. Hand-written on purpose: the
// SDK's Prometheus exporter picks its own names and runs its own server; this keeps the names in
// one place and lets the export guard see the page before it leaves.
import type { HrTime } from '@opentelemetry/api';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { ALL_METRICS, prometheusName } from '../../signals/names.js';
import type { MetricDef } from '../../signals/names.js';
import { ExpositionWriter, labelName, renderLabels } from '../../telemetry/exposition.js';
import type { ExpositionFormat, Labels } from '../../telemetry/exposition.js';

const defs = new Map<string, MetricDef>(ALL_METRICS.map((d) => [d.name, d]));

export interface RenderOptions {
  format?: ExpositionFormat;
  /** Copy every resource attribute onto every series (Collector: resource_to_telemetry_conversion). */
  resourceToTelemetry?: boolean;
}

function toLabels(attrs: Attributes, resource: Labels): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const k in attrs) {
    const v = attrs[k];
    if (v === undefined || v === null) continue;
    out.push([labelName(k), Array.isArray(v) ? v.join(',') : String(v)]);
  }
  // a record attribute wins over a resource attribute of the same label name
  for (const r of resource) if (!out.some((l) => l[0] === r[0])) out.push([r[0], r[1]]);
  return out;
}

const seconds = (t: HrTime | undefined) => (t ? t[0] + t[1] / 1e9 : undefined);

export function renderPrometheus(rm: ResourceMetrics, opts: RenderOptions = {}): string {
  const w = new ExpositionWriter(opts.format ?? 'text');
  const resAttrs = rm.resource.attributes;
  w.targetInfo(resAttrs);
  const resource: Labels = opts.resourceToTelemetry ? toLabels(resAttrs, []) : [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const def = defs.get(m.descriptor.name);
      if (!def || m.dataPoints.length === 0) continue;
      const name = prometheusName(def);
      w.family(name, def.kind, def.description.replace(/\n/g, ' '));
      if (m.dataPointType === DataPointType.HISTOGRAM) {
        for (const dp of m.dataPoints) {
          const labels = toLabels(dp.attributes, resource);
          const plain = renderLabels(labels);
          const { boundaries, counts } = dp.value.buckets;
          let cum = 0;
          for (let i = 0; i < boundaries.length; i++) {
            cum += counts[i] ?? 0;
            w.sample(`${name}_bucket`, renderLabels(labels, ['le', String(boundaries[i])]), cum);
          }
          cum += counts[boundaries.length] ?? 0;
          w.sample(`${name}_bucket`, renderLabels(labels, ['le', '+Inf']), cum);
          w.sample(`${name}_sum`, plain, dp.value.sum ?? 0);
          w.sample(`${name}_count`, plain, dp.value.count);
          w.created(name, plain, seconds(dp.startTime));
        }
      } else if (m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE) {
        for (const dp of m.dataPoints) {
          const plain = renderLabels(toLabels(dp.attributes, resource));
          w.sample(name, plain, dp.value);
          if (def.kind === 'counter') w.created(name, plain, seconds(dp.startTime));
        }
      }
    }
  }
  return w.finish();
}
