// SPDX-License-Identifier: Apache-2.0
// The contract verdict of one call (pure: no I/O, no clock beyond `nowMs`). ok = strict passes;
// drift = strict fails but compat passes, an unknown finish_reason, a new shape; violation =
// compat fails, a path the application reads is missing or mistyped, an unusable body/stream.
import type { CallRecord, Findings } from '../../model/call-record.js';
import type { Contract } from '../../contract/contract.js';
import { reviewAgeDays } from '../../contract/contract.js';
import { undeclaredPaths } from '../../contract/declared-fields.js';
import type { DeclaredNode } from '../../contract/declared-fields.js';
import { carriesErrorEnvelope } from '../../contract/error-envelope.js';
import { addFinding, safeToken } from '../../contract/findings.js';
import { jsonTypeOf, lookup, MISSING, typeMatches } from '../../contract/json-path.js';
import { requestProblems } from '../../contract/request-check.js';
import { assemble, bodyHasOutput } from './assemble.js';
import { checkPair } from './schema-findings.js';
import { checkUsage, toUsage } from './usage-checks.js';

/** What the shape fingerprint should be taken of, when there is a body. */
export interface ShapeSubject {
  kind: 'response' | 'chunk' | 'error';
  values: unknown[];
}

export function judge(r: CallRecord, c: Contract, max: number, nowMs = Date.now()): ShapeSubject | undefined {
  const f = r.findings;
  f.contractReviewAgeDays = reviewAgeDays(c, nowMs);
  checkRequest(r, c, max);
  const res = r.response;
  const status = res.status;
  if (status === undefined) return undefined; // transport error or nothing observed: no body to judge
  if (res.headers && res.requestId === undefined) {
    const h = res.headers;
    const rid = h['x-request-id'] ?? h['request-id'] ?? h['apim-request-id'] ?? h['x-generation-id'];
    if (typeof rid === 'string' && rid !== '') res.requestId = rid.slice(0, 128);
  }
  if (status >= 300 && status < 400) {
    addFinding(f, { path: '$', kind: 'unexpected', level: 'violation', note: 'redirect' }, max);
    return undefined;
  }
  if (status >= 400) return judgeError(r, c, max);
  if (status < 200) return undefined;
  const streamed = res.stream !== undefined || res.parse === 'sse';
  if (streamed) return judgeStream(r, c, max);
  if (res.parse === 'not_read') return undefined; // access-log view: status only
  if (res.body === undefined || (res.parse !== undefined && res.parse !== 'json')) {
    if (res.parse === undefined && res.body === undefined) return undefined;
    addFinding(f, { path: '$', kind: 'type', level: 'violation', note: `body_${safeToken(res.parse)}` }, max);
    return undefined;
  }
  if (carriesErrorEnvelope(res.body)) {
    // a 2xx that carries an error, not a completion: judged as the error it is (classify takes the
    // class from the envelope), not as a completion with every field missing
    addFinding(f, { path: 'error', kind: 'unexpected', level: 'violation', note: 'error_body_2xx' }, max);
    return judgeError(r, c, max);
  }
  if (r.request.stream === true)
    addFinding(f, { path: '$', kind: 'stream', level: 'drift', note: 'not_streamed' }, max);
  judgeBody(r, c, res.body, max);
  return { kind: 'response', values: [res.body] };
}

function checkRequest(r: CallRecord, c: Contract, max: number): void {
  const body = r.request.requestBody;
  // the invalid_request probe breaks the request contract on purpose: nothing to report
  if (body === undefined || r.request.probeKind === 'invalid_request') return;
  const problems = requestProblems(c, body, r.request.method);
  for (const p of problems)
    addFinding(r.findings, { path: p.path, kind: p.kind, level: 'violation', note: 'request_schema' }, max);
  r.findings.requestSchemaValid = problems.length === 0;
}

function checkReads(f: Findings, reads: Contract['response']['reads'], body: unknown, max: number): void {
  for (const read of reads) {
    const v = lookup(body, read.segs);
    if (v === MISSING) {
      if (read.required)
        addFinding(f, { path: read.path, kind: 'missing', level: 'violation', note: 'read_path' }, max);
    } else if (read.types && !typeMatches(jsonTypeOf(v), read.types)) {
      addFinding(f, { path: read.path, kind: 'type', level: 'violation', note: 'read_path' }, max);
    }
  }
}

/**
 * Fields outside the contract (not named by its strict schema) are drift on the first call, so a
 * fresh `check` reports them without a learned shape. Accept standing ones in `accepted`.
 */
function reportUndeclared(
  f: Findings,
  tree: DeclaredNode | undefined,
  values: readonly unknown[],
  max: number,
  prefix = '',
): void {
  if (!tree) return;
  const seen = new Set<string>();
  for (const v of values)
    for (const p of undeclaredPaths(v, tree, 8)) {
      if (seen.has(p)) continue;
      seen.add(p);
      addFinding(f, { path: prefix + p, kind: 'unexpected', level: 'drift', note: 'not_in_contract' }, max);
    }
}

function checkFinishReasons(r: CallRecord, c: Contract, reasons: readonly string[], max: number): void {
  for (const fr of reasons)
    if (!c.response.finishReasons.has(fr))
      addFinding(
        r.findings,
        { path: 'choices[].finish_reason', kind: 'enum', level: 'drift', note: safeToken(fr) },
        max,
      );
  if (r.response.finishReasons === undefined && reasons.length > 0)
    r.response.finishReasons = reasons.slice(0, 8);
}

function checkOutput(
  r: CallRecord,
  hasOutput: boolean,
  finish: string | undefined,
  path: string,
  max: number,
): void {
  if (hasOutput) return;
  // empty output is normal when the budget ran out or a filter stepped in; otherwise the probe failed
  const level = finish === 'length' || finish === 'content_filter' ? 'warning' : 'violation';
  addFinding(r.findings, { path, kind: 'value', level, note: 'empty_content' }, max);
}

function judgeBody(r: CallRecord, c: Contract, body: unknown, max: number): void {
  const f = r.findings;
  const reasons: string[] = [];
  const choices = lookup(body, ['choices']);
  if (Array.isArray(choices))
    for (const ch of choices) {
      const fr = lookup(ch, ['finish_reason']);
      if (typeof fr === 'string') reasons.push(fr);
    }
  checkFinishReasons(r, c, reasons, max); // first, so the finding keeps the reason as its note
  // schema-valid means the compat level holds; strict-only failures are drift, not invalid
  f.responseSchemaValid = checkPair(f, c.response, body, max).compat;
  checkReads(f, c.response.reads, body, max);
  reportUndeclared(f, c.response.declared, [body], max);
  if (Array.isArray(choices) && choices.length > 0)
    checkOutput(r, bodyHasOutput(body), reasons[0], 'choices[0].message.content', max);
  const model = lookup(body, ['model']);
  if (r.response.model === undefined && typeof model === 'string') r.response.model = model.slice(0, 128);
  const id = lookup(body, ['id']);
  if (r.response.responseId === undefined && typeof id === 'string' && id !== '')
    r.response.responseId = id.slice(0, 128);
  // usage from the contract's places (`response.usage_from`), the last non-null one wins
  let usage: Record<string, unknown> | undefined;
  let origin = 'body';
  c.response.usageFrom.forEach((segs, i) => {
    const u = lookup(body, segs);
    if (u !== MISSING && u !== null && typeof u === 'object' && !Array.isArray(u)) {
      usage = u as Record<string, unknown>;
      origin = i === 0 ? 'body' : c.response.usageFromNames[i];
    }
  });
  if (usage && r.response.usage === undefined) r.response.usage = toUsage(usage, origin);
  checkUsage(r, c, usage, true, max);
}

function judgeStream(r: CallRecord, c: Contract, max: number): ShapeSubject | undefined {
  const f = r.findings;
  const s = r.response.stream;
  if (!s) {
    addFinding(f, { path: 'stream', kind: 'stream', level: 'warning', note: 'no_summary' }, max);
    return undefined;
  }
  const done = c.stream?.doneExpected ?? true;
  for (const a of s.anomalies ?? []) {
    if (a === 'no_done' && !done) continue;
    addFinding(f, { path: 'stream', kind: 'stream', level: 'violation', note: safeToken(a) }, max);
  }
  if (done && !s.sawDone && !(s.anomalies ?? []).includes('no_done'))
    addFinding(f, { path: 'stream', kind: 'stream', level: 'violation', note: 'no_done' }, max);
  const chunks = s.chunks;
  if (!chunks) {
    judgeStreamSummary(r, c, max);
    return { kind: 'chunk', values: [] }; // judged, but no body to fingerprint
  }
  let allCompat = true;
  const good: unknown[] = [];
  for (const ch of chunks) {
    if (ch !== null && typeof ch === 'object' && 'error' in ch && !('choices' in ch)) continue; // error event, counted above
    good.push(ch);
    if (c.stream) {
      allCompat &&= checkPair(f, c.stream, ch, max, 'chunk').compat;
    }
  }
  reportUndeclared(f, c.stream?.declared, good.slice(0, 64), max, 'chunk.');
  const names = c.stream?.usageFromNames ?? ['usage'];
  const a = assemble(good, c.stream?.usageFrom ?? [['usage']], names);
  if (a.errorChunks > 0 || s.errorEvent !== undefined)
    addFinding(f, { path: 'stream', kind: 'stream', level: 'violation', note: 'error_event' }, max);
  if (good.length === 0) {
    addFinding(f, { path: 'choices', kind: 'missing', level: 'violation', note: 'no_chunks' }, max);
    return undefined;
  }
  checkReadsStream(r, c, a.body, max);
  if (a.finishReasons.length === 0)
    addFinding(
      f,
      { path: 'choices[0].finish_reason', kind: 'missing', level: 'violation', note: 'stream_no_finish' },
      max,
    );
  checkFinishReasons(r, c, a.finishReasons, max);
  checkOutput(r, a.hasOutput, a.finishReasons[0], 'choices[0].delta.content', max);
  f.responseSchemaValid = c.stream ? allCompat : undefined;
  if (r.response.model === undefined && typeof a.body.model === 'string')
    r.response.model = a.body.model.slice(0, 128);
  if (r.response.responseId === undefined && typeof a.body.id === 'string' && a.body.id !== '')
    r.response.responseId = a.body.id.slice(0, 128);
  if (a.usage && r.response.usage === undefined)
    r.response.usage = toUsage(a.usage, a.usageOrigin ?? 'usage');
  const ue = c.stream?.usageExpected ?? 'when_requested';
  const expected = ue === 'always' || (ue === 'when_requested' && r.request.includeUsage === true);
  checkUsage(r, c, a.usage, expected, max);
  return { kind: 'chunk', values: good };
}

/** Reads apply to the assembled stream, except usage ones when usage was not asked for. */
function checkReadsStream(r: CallRecord, c: Contract, body: Record<string, unknown>, max: number): void {
  const ue = c.stream?.usageExpected ?? 'when_requested';
  const usageExpected = ue === 'always' || (ue === 'when_requested' && r.request.includeUsage === true);
  const reads = usageExpected ? c.response.reads : c.response.reads.filter((x) => x.segs[0] !== 'usage');
  checkReads(r.findings, reads, body, max);
}

const REQUEST_ID_IN_MESSAGE = /\(request id: ([A-Za-z0-9_.:-]{4,128})\)/;

function judgeError(r: CallRecord, c: Contract, max: number): ShapeSubject | undefined {
  const f = r.findings;
  const res = r.response;
  if (res.parse === 'html') {
    // an HTML error page where a JSON envelope belongs: usually a wrong base URL or a proxy page
    addFinding(f, { path: 'error', kind: 'type', level: 'violation', note: 'body_html' }, max);
    return undefined;
  }
  if (res.parse === 'invalid_json') {
    addFinding(f, { path: 'error', kind: 'type', level: 'drift', note: 'body_invalid_json' }, max);
    return undefined;
  }
  const body = res.body;
  if (body === undefined) return undefined;
  if (c.errors.schema) f.responseSchemaValid = checkPair(f, c.errors.schema, body, max).compat;
  if (c.errors.requestIdInMessage && res.requestId === undefined) {
    const msg = lookup(body, ['error', 'message']);
    const m = typeof msg === 'string' ? REQUEST_ID_IN_MESSAGE.exec(msg) : null;
    if (m && m[1] !== '...') res.requestId = m[1];
  }
  return { kind: 'error', values: [body] };
}

/**
 * The receiver kept no chunks: judge the assembled result from what it summarised instead
 * (finish reasons, content length, usage), so streams are still checked as a whole.
 */
function judgeStreamSummary(r: CallRecord, c: Contract, max: number): void {
  const res = r.response;
  const reasons = res.finishReasons ?? [];
  if (reasons.length === 0 && (res.stream?.dataChunks ?? 0) > 0)
    addFinding(
      r.findings,
      { path: 'choices[0].finish_reason', kind: 'missing', level: 'violation', note: 'stream_no_finish' },
      max,
    );
  checkFinishReasons(r, c, reasons, max);
  if (res.stream?.contentChars !== undefined)
    checkOutput(r, res.stream.contentChars > 0, reasons[0], 'choices[0].delta.content', max);
  const u = res.usage;
  const usage: Record<string, unknown> | undefined = u
    ? Object.fromEntries(
        (
          [
            ['prompt_tokens', u.promptTokens],
            ['completion_tokens', u.completionTokens],
            ['total_tokens', u.totalTokens],
          ] as const
        ).filter(([, v]) => v !== undefined && v !== null),
      )
    : undefined;
  const ue = c.stream?.usageExpected ?? 'when_requested';
  checkUsage(
    r,
    c,
    usage,
    ue === 'always' || (ue === 'when_requested' && r.request.includeUsage === true),
    max,
  );
}
