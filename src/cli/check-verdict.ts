// SPDX-License-Identifier: Apache-2.0
// How `driftwatch check` judges one judged record. Pure: the table, JSON and JUnit reports
// all come from these rows.
import { acceptedByNote } from '../contract/contract.js';
import type { CallRecord } from '../model/call-record.js';

export type Outcome = 'pass' | 'drift' | 'fail';

export interface CheckRow {
  receiver: string;
  probe: string;
  kind: string;
  outcome: Outcome;
  verdict: string;
  errorClass?: string;
  owner?: string;
  firstAction?: string;
  retryable?: boolean;
  status?: string;
  ttfbMs?: number;
  ttftMs?: number;
  totalMs?: number;
  /** Why: bounded finding paths or the expectation that failed. */
  notes: string[];
  /** Known drift the contract accepts, with the contract line, reason and review date. */
  accepted?: string[];
}

const HELD = {
  invalid_request: 'error contract holds: bad_request, not retried',
  timeout_boundary: 'expectation holds: the deadline fired as a timeout, or the answer came within it',
} as const;
const EXPECTED = {
  invalid_request: 'expected a bad_request error that is not retried',
  timeout_boundary: 'expected the timeout path within the deadline',
} as const;

export function judgeRecord(r: CallRecord): CheckRow {
  const f = r.findings;
  const row: CheckRow = {
    receiver: r.receiver,
    probe: r.request.probe ?? r.event?.name ?? r.source,
    kind: r.request.probeKind ?? (r.event ? 'event' : r.source),
    outcome: 'pass',
    verdict: f.verdict ?? (f.errorClass ? 'error' : 'unjudged'),
    errorClass: f.errorClass,
    owner: f.owner,
    firstAction: f.firstAction,
    retryable: f.retryable,
    status:
      r.response.status !== undefined
        ? String(r.response.status)
        : r.transportError
          ? r.transportError.code
          : undefined,
    ttfbMs: r.timings.ttfbMs,
    ttftMs: r.timings.firstTokenMs,
    totalMs: r.timings.totalMs,
    notes: f.items
      .filter((i) => i.level === 'violation' || i.level === 'drift')
      .map((i) => `${i.level}: ${i.kind} ${i.path}`),
  };
  const accepted = f.items
    .filter((i) => i.level === 'info' && i.note?.startsWith('accepted:'))
    .map((i) => {
      const a = acceptedByNote(i.note);
      const where = i.note!.slice('accepted:'.length);
      return a
        ? `${i.kind} ${i.path}: accepted at ${where} (${a.reason}; review by ${a.reviewBy})`
        : `${i.kind} ${i.path}: accepted at ${where}`;
    });
  if (accepted.length > 0) row.accepted = accepted;
  if (r.event) {
    row.outcome = r.event.name === 'probe.budget_exhausted' ? 'fail' : 'pass';
    row.verdict = 'event';
    row.notes.push(r.event.name);
    return row;
  }
  // An invalid_request probe breaks the request contract on purpose; any other probe must not.
  if (f.requestSchemaValid === false && row.kind !== 'invalid_request') {
    row.outcome = 'fail';
    row.notes.unshift('the request built from configuration breaks the contract');
  }
  const exp = f.expectation;
  if (exp) {
    // a deliberate probe: the expectation decides, the same one llm_probe_success follows in `run`
    if (exp.held) row.notes.unshift(HELD[exp.kind]);
    else {
      row.outcome = 'fail';
      row.notes.unshift(`expectation failed: ${exp.reason ?? 'unknown'} (${EXPECTED[exp.kind]})`);
    }
    return row;
  }
  switch (row.kind) {
    case 'invalid_request':
      // The controlled failure: the error contract holds when it is classified as a client error, not retried.
      if (f.errorClass === 'bad_request' && f.retryable !== true)
        row.notes.unshift('error contract holds: bad_request, not retried');
      else {
        row.outcome = 'fail';
        row.notes.unshift(
          `expected a bad_request error that is not retried, got ${f.errorClass ?? `HTTP ${row.status ?? '?'}`}`,
        );
      }
      return row;
    case 'timeout_boundary':
      if (f.errorClass && f.errorClass !== 'timeout') {
        row.outcome = 'fail';
        row.notes.unshift(`expected the timeout path (or success), got ${f.errorClass}`);
      } else if (f.errorClass === 'timeout') row.notes.unshift('timeout path classified as timeout');
      else if (f.verdict === 'violation') row.outcome = 'fail';
      else if (f.verdict === 'drift') row.outcome = 'drift';
      return row;
    default:
      if (f.verdict === 'violation' || f.errorClass) row.outcome = 'fail';
      else if (f.verdict === 'drift' && row.outcome === 'pass') row.outcome = 'drift';
      return row;
  }
}

/** 0 holds, 1 drift (with --fail-on drift), 2 violation or error. */
export function exitCodeFor(
  rows: readonly CheckRow[],
  failOnDrift: boolean,
  telemetryFailed: boolean,
): number {
  if (rows.some((r) => r.outcome === 'fail') || telemetryFailed) return 2;
  if (failOnDrift && rows.some((r) => r.outcome === 'drift')) return 1;
  return 0;
}
