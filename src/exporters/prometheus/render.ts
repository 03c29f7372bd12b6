// SPDX-License-Identifier: Apache-2.0
// Prometheus text exposition (0.0.4) of the SDK's aggregated metrics, with the names of
// docs/signals.md (prometheusName() in src/signals/names.ts). Hand-written on purpose: the SDK's
// Prometheus exporter picks its own names and runs its own server; this keeps the names in one
// place and lets the export guard see the page before it leaves.
import { DataPointType } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { ALL_METRICS, prometheusLabel, prometheusName } from '../../signals/names.js';
import type { MetricDef } from '../../signals/names.js';

const defs = new Map<string, MetricDef>(ALL_METRICS.map((d) => [d.name, d]));

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(attrs: Attributes, extra?: [string, string]): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    parts.push(`${prometheusLabel(k)}="${escapeValue(Array.isArray(v) ? v.join(',') : String(v))}"`);
  }
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function renderPrometheus(rm: ResourceMetrics): string {
  const out: string[] = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const def = defs.get(m.descriptor.name);
      if (!def || m.dataPoints.length === 0) continue;
      const name = prometheusName(def);
      const type = def.kind === 'histogram' ? 'histogram' : def.kind === 'counter' ? 'counter' : 'gauge';
      out.push(`# HELP ${name} ${def.description.replace(/\n/g, ' ')}`);
      out.push(`# TYPE ${name} ${type}`);
      if (m.dataPointType === DataPointType.HISTOGRAM) {
        const base = name;
        for (const dp of m.dataPoints) {
          const { boundaries, counts } = dp.value.buckets;
          let cum = 0;
          for (let i = 0; i < boundaries.length; i++) {
            cum += counts[i] ?? 0;
            out.push(`${base}_bucket${labels(dp.attributes, ['le', num(boundaries[i])])} ${cum}`);
          }
          cum += counts[boundaries.length] ?? 0;
          out.push(`${base}_bucket${labels(dp.attributes, ['le', '+Inf'])} ${cum}`);
          out.push(`${base}_sum${labels(dp.attributes)} ${num(dp.value.sum ?? 0)}`);
          out.push(`${base}_count${labels(dp.attributes)} ${dp.value.count}`);
        }
      } else if (m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE) {
        for (const dp of m.dataPoints) out.push(`${name}${labels(dp.attributes)} ${num(dp.value)}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
