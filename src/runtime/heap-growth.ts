// SPDX-License-Identifier: Apache-2.0
// Two V8 heap settings applied at start. How far V8 lets the heap grow past what a full GC left
// alive (and, below, allocation-site pretenuring, off). By default the heap grows by up to
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

/**
 * Turns off V8's allocation-site pretenuring unless `DRIFTWATCH_ALLOCATION_SITE_PRETENURING=1`.
 * V8 learns, per place in the code that allocates, whether its objects live long, and then
 * allocates them straight in the old generation. A proxied call's objects die young, but a burst
 * of long calls (1,000 concurrent slow streams) teaches those places that they live long, and V8
 * did not unlearn it: afterwards each call's objects went to the old generation, 37–38
 * mark-compacts ran in 40 s instead of 6–7 and the agent's CPU at the same load was 53–71 %
 * instead of 37–53 % (docs/performance.md). Without it an object that does live long is promoted after two
 * scavenges, like any other. Read by V8 at every GC, so setting it at start is enough.
 * Returns whether pretenuring was turned off.
 */
export function applyPretenuring(env: NodeJS.ProcessEnv = process.env): boolean {
  const keep = env.DRIFTWATCH_ALLOCATION_SITE_PRETENURING === '1';
  setFlagsFromString(keep ? '--allocation-site-pretenuring' : '--no-allocation-site-pretenuring');
  return !keep;
}
