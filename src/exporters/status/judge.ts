// SPDX-License-Identifier: Apache-2.0
// Two small judgements the page makes: does a call count as schema-valid or -invalid (once,
// never both), and what is a target's overall state right now.
import type { CallRecord } from '../../model/call-record.js';
import type { ExpectationView, TargetState, WindowCounts } from './snapshot.js';

/**
 * valid / invalid for a judged call, undefined for one nobody judged (no verdict, no schema
 * check: e.g. a 429 or a refused connection). A `violation` verdict, a parse failure or an HTML
 * page where JSON was expected is invalid even when the HTTP status was 200.
 */
export function schemaJudgement(r: CallRecord): 'valid' | 'invalid' | undefined {
  const f = r.findings;
  if (f.expectation) return undefined;
  if (f.verdict === 'violation' || f.responseSchemaValid === false) return 'invalid';
  if (f.errorClass === 'parse' || f.errorClass === 'schema') return 'invalid';
  if (f.responseSchemaValid === true || f.verdict !== undefined) return 'valid';
  return undefined;
}

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
