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

/** Metric selectors `name{label=...}` of the driftwatch families (llm_*, probe_*, gen_ai_*) in
 * an expression. Label lists of `by`, `on`, `without`, `ignoring`, `group_*` are skipped: their
 * names (`gen_ai_request_model`) are labels, not metrics. */
export function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  const out: Array<{ name: string; labels: string[] }> = [];
  const bare = expr.replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1 ()');
  const re = /\b((?:llm|probe|gen_ai)_[a-zA-Z0-9_]+)\s*(\{([^}]*)\})?/g;
  for (const m of bare.matchAll(re)) {
    const labels = [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)/g)].map((l) => l[1]);
    out.push({ name: m[1], labels });
  }
  return out;
}
