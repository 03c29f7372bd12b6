// SPDX-License-Identifier: Apache-2.0
// How far V8 lets the heap grow past what a full GC left alive. By default it grows by up to
// 4× while allocation is fast, so a daemon whose live heap is ~25 MiB commits ~100 MiB while
// it catches up a log backlog (the RSS goal of issue 16 is 100 MiB). A 1.2× factor keeps the
// committed heap near the live one; the daemon bench measured no CPU cost on the access-log
// path (docs/performance.md). Unlike `--max-semi-space-size` this V8 setting takes effect when
// set at run time, so every way of starting driftwatch (npm start, the container, systemd,
// npx) gets the same value, and it is not allowed in NODE_OPTIONS anyway.
import { setFlagsFromString } from 'node:v8';

export const DEFAULT_HEAP_GROWING_PERCENT = 20;

/**
 * Applies `DRIFTWATCH_HEAP_GROWING_PERCENT` (default 20; `0` keeps V8's own heuristics).
 * Returns the value applied, or undefined when the variable is not a whole number (ignored).
 */
export function applyHeapGrowth(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.DRIFTWATCH_HEAP_GROWING_PERCENT;
  const pct = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(pct) || pct < 0 || pct > 1000) return undefined;
  setFlagsFromString(`--heap-growing-percent=${pct}`);
  return pct;
}
