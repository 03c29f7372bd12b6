// SPDX-License-Identifier: Apache-2.0
// Exponential backoff with jitter inside a time budget (exporterhelper retry_on_failure):
// interval starts at initial_interval, grows ×multiplier up to max_interval, each delay is
// randomized ±randomization_factor; Retry-After is a floor; giving up when the next attempt
// would land past max_elapsed_time. Whether to try again is the failure code's catalog mark.
import { retryOf } from '../../component/errors.js';
import { sleepUnlessAborted } from '../../util/abort.js';
import type { RetryConfig } from './config.js';
import type { Outcome } from './http-sender.js';

export interface RetryPolicy {
  enabled: boolean;
  initialMs: number;
  maxMs: number;
  multiplier: number;
  jitter: number;
  budgetMs: number;
}

export function retryPolicy(c: RetryConfig): RetryPolicy {
  return {
    enabled: c.enabled,
    initialMs: c.initial_interval,
    maxMs: c.max_interval,
    multiplier: c.multiplier,
    jitter: c.randomization_factor,
    budgetMs: c.max_elapsed_time,
  };
}

export type FinalOutcome = Outcome & { attempts: number; exhausted?: boolean };

export async function sendWithRetry(
  attempt: () => Promise<Outcome>,
  p: RetryPolicy,
  opts: { abort?: AbortSignal; onRetry?: (delayMs: number, o: Outcome) => void; random?: () => number } = {},
): Promise<FinalOutcome> {
  const start = Date.now();
  const random = opts.random ?? Math.random;
  let interval = p.initialMs;
  for (let attempts = 1; ; attempts++) {
    const o = await attempt();
    if (o.ok || retryOf(o.code) === 'permanent' || !p.enabled) return { ...o, attempts };
    let delay = interval * (1 + p.jitter * (2 * random() - 1));
    if (o.retryAfterMs !== undefined) delay = Math.max(delay, o.retryAfterMs);
    interval = Math.min(interval * p.multiplier, p.maxMs);
    if (p.budgetMs > 0 && Date.now() - start + delay > p.budgetMs) return { ...o, attempts, exhausted: true };
    opts.onRetry?.(delay, o);
    if (!(await sleepUnlessAborted(delay, opts.abort)))
      return { ok: false, code: 'DW_ERR_SHUTTING_DOWN', reason: 'shutdown', attempts };
  }
}
