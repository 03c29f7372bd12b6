// SPDX-License-Identifier: Apache-2.0
// Deliberate probes judged as expectations. `invalid_request` holds when the server refuses the
// request as a client error that is not to be retried; `timeout_boundary` holds when the client
// deadline fired and was classed as a timeout (or the server answered well within it). The
// outcome drives `llm_probe_success` and `driftwatch check`; it is never a contract violation.
import type { CallRecord, ProbeExpectation } from '../../model/call-record.js';

/** Slack over the deadline before "the deadline did not fire" (timer granularity, a loaded host). */
const DEADLINE_SLACK_MS = 250;

/**
 * A refusal that says nothing of what the probe tests. For `invalid_request` a 500 is no such
 * thing (the server should have refused the request as a client error); for `timeout_boundary`
 * any server error is: the server failed before the deadline could be tried (the demo's 1 % of
 * 500s paged LLMProbeExpectationBroken on a healthy target).
 */
function transient(r: CallRecord, kind: 'invalid_request' | 'timeout_boundary'): boolean {
  const c = r.findings.errorClass;
  const s = r.response.status;
  return (
    (c === 'rate_limit' && r.findings.retryable !== false) ||
    c === 'network' ||
    (c === 'upstream' &&
      s !== undefined &&
      ([502, 503, 504].includes(s) || (kind === 'timeout_boundary' && s >= 500)))
  );
}

export function probeExpectation(r: CallRecord): ProbeExpectation | undefined {
  const kind = r.request.probeKind;
  const f = r.findings;
  if ((kind === 'invalid_request' || kind === 'timeout_boundary') && transient(r, kind))
    return { kind, held: true, inconclusive: true, reason: `transient_${f.errorClass}` };
  if (kind === 'invalid_request') {
    if (f.errorClass === 'bad_request' && f.retryable !== true) return { kind, held: true };
    if (f.errorClass === 'bad_request') return { kind, held: false, reason: 'client_error_marked_retryable' };
    if (f.errorClass) return { kind, held: false, reason: `wrong_class_${f.errorClass}` };
    const s = r.response.status;
    if (s !== undefined && s >= 200 && s < 300)
      return { kind, held: false, reason: 'accepted_invalid_request' };
    return { kind, held: false, reason: 'no_error_class' };
  }
  if (kind === 'timeout_boundary') {
    if (f.errorClass === 'timeout') return { kind, held: true };
    if (f.errorClass) return { kind, held: false, reason: `wrong_class_${f.errorClass}` };
    const budget = r.request.timeoutBudgetMs;
    const total = r.timings.totalMs;
    if (budget !== undefined && total !== undefined && total > budget + DEADLINE_SLACK_MS)
      return { kind, held: false, reason: 'deadline_not_enforced' };
    return { kind, held: true }; // answered within the deadline: nothing to cut off
  }
  return undefined;
}
