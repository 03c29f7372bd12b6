// SPDX-License-Identifier: Apache-2.0
// What a target's overall state is right now. (Whether a call counts as schema-valid or
// -invalid is src/signals/schema-judgement.ts: the metric, the page and the alert agree.)
import type { ExpectationView, TargetState, WindowCounts } from './snapshot.js';

/** Overall state from the last 5 minutes; the worst condition wins. */
export function targetState(
  last5m: WindowCounts,
  expectations: readonly ExpectationView[],
  now: number,
): { state: TargetState; reason: string } {
  const recentBroken = expectations.filter(
    (e) => e.state === 'broken' && now - Date.parse(e.last_at) <= 5 * 60_000,
  );
  if (last5m.calls === 0 && recentBroken.length === 0)
    return { state: 'idle', reason: 'no call in the last 5 minutes' };
  if (last5m.calls > 0 && last5m.answered === 0)
    return {
      state: 'down',
      reason: `none of ${last5m.calls} calls answered with a 2xx in the last 5 minutes`,
    };
  if (last5m.violations > 0 || recentBroken.length > 0) {
    const parts = [];
    if (last5m.violations > 0) parts.push(`${last5m.violations} violations`);
    if (recentBroken.length > 0)
      parts.push(`expectation broken: ${recentBroken.map((e) => e.probe).join(', ')}`);
    return { state: 'violation', reason: `${parts.join('; ')} in the last 5 minutes` };
  }
  if (last5m.drift > 0)
    return { state: 'drift', reason: `${last5m.drift} drift verdicts in the last 5 minutes` };
  return { state: 'healthy', reason: `${last5m.calls} calls in the last 5 minutes, no drift or violation` };
}
