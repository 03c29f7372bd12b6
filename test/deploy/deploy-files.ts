// SPDX-License-Identifier: Apache-2.0
// Shared readers for the deploy/ tests: the metric-name list and the metric names a PromQL
// expression uses.
import { readFileSync } from 'node:fs';

/** `name -> allowed labels` from deploy/metric-names.txt. */
export function metricNames(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const raw of readFileSync('deploy/metric-names.txt', 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?$/.exec(line);
    if (!m) throw new Error(`deploy/metric-names.txt: cannot read line "${line}"`);
    out.set(m[1], new Set((m[2] ?? '').split(',').filter(Boolean)));
  }
  return out;
}

/** Metric selectors `name{label=...}` of the driftwatch families (llm_*, probe_*) in an expression. */
export function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  const out: Array<{ name: string; labels: string[] }> = [];
  const re = /\b((?:llm|probe)_[a-zA-Z0-9_]+)\s*(\{([^}]*)\})?/g;
  for (const m of expr.matchAll(re)) {
    const labels = [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)/g)].map((l) => l[1]);
    out.push({ name: m[1], labels });
  }
  return out;
}
