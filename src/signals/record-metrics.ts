// SPDX-License-Identifier: Apache-2.0
// CallRecord → metric values. Where the record lacks a field, nothing is recorded for it (never
// a fake zero). Attributes are low-cardinality only (DESIGN.md §4).
import type { Attributes } from '@opentelemetry/api';
import type { CallRecord, Finding } from '../model/call-record.js';
import { AttrSet } from './attr-set.js';
import type { Instruments } from './instruments.js';
import {
  ATTR,
  CONTRACT as C,
  GENAI,
  GENAI_METRICS as G,
  GENAI_OPERATION_CHAT,
  genAiProviderName,
} from './names.js';

const CONTENT_PATH = /^choices(\[0\])?\.(message|delta)\.content$/;
const CHOICES_PATH = /^choices(\[0\])?$/;
const USAGE_PATH = /^usage$/;

function baseAttrs(r: CallRecord): AttrSet {
  const a: Attributes = {
    [ATTR.provider]: r.target.provider,
    [ATTR.endpoint]: r.target.endpoint,
    [ATTR.source]: r.source,
  };
  if (r.request.model) a[ATTR.model] = r.request.model;
  if (r.request.probe) a[ATTR.probe] = r.request.probe;
  return AttrSet.of(a);
}

function genaiAttrs(r: CallRecord): AttrSet {
  const a: Attributes = {
    [GENAI.operationName]: GENAI_OPERATION_CHAT,
    [GENAI.providerName]: genAiProviderName(r.target.provider),
  };
  if (r.request.model) a[GENAI.requestModel] = r.request.model;
  if (r.response.model) a[GENAI.responseModel] = r.response.model;
  if (r.target.serverAddress) a[GENAI.serverAddress] = r.target.serverAddress;
  if (r.target.serverPort !== undefined) a[GENAI.serverPort] = r.target.serverPort;
  const err = errorType(r);
  if (err) a[GENAI.errorType] = err;
  return AttrSet.of(a);
}

/** `error.type` per the conventions: our error class, else the status code, else a transport code. */
export function errorType(r: CallRecord): string | undefined {
  if (r.findings.errorClass) return r.findings.errorClass;
  if (r.transportError) return r.transportError.code;
  if (r.response.status !== undefined && r.response.status >= 400) return String(r.response.status);
  return undefined;
}

function has(items: readonly Finding[], kinds: readonly string[], path: RegExp): boolean {
  return items.some((i) => kinds.includes(i.kind) && path.test(i.path));
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** True when the call worked: 2xx, no transport error, no error class, no violation. */
export function callSucceeded(r: CallRecord): boolean {
  const s = r.response.status;
  return (
    s !== undefined &&
    s >= 200 &&
    s < 300 &&
    !r.transportError &&
    !r.findings.errorClass &&
    r.findings.verdict !== 'violation'
  );
}

export function recordEvent(inst: Instruments, r: CallRecord): void {
  const ev = r.event!;
  const a = AttrSet.of({ [ATTR.receiver]: r.receiver });
  inst.add(C.watchEvents, 1, a.with(ATTR.event, ev.name));
  if (ev.name === 'probe.budget_exhausted') {
    const probe = ev.attributes.probe ?? r.request.probe;
    inst.add(C.probeBudgetExhausted, 1, a.with(ATTR.probe, typeof probe === 'string' ? probe : undefined));
  } else if (ev.name === 'docs.changed') inst.add(C.docsChanged, 1, a);
}

export function recordMetrics(inst: Instruments, r: CallRecord): void {
  if (r.event) return recordEvent(inst, r);
  const base = baseAttrs(r);
  const f = r.findings;
  const t = r.timings;
  const rq = r.request;
  const rs = r.response;
  const sized = base.with(ATTR.promptSize, rq.promptSize);

  // deliberate probes (findings.expectation) provoke failures on purpose: not contract faults
  const deliberate = f.expectation !== undefined;
  inst.add(C.request, 1, base);
  if (f.requestSchemaValid === false && !deliberate) inst.add(C.requestSchemaInvalid, 1, base);
  if (rq.stream === true) inst.add(C.requestStreamEnabled, 1, base);
  if (isNum(rq.timeoutBudgetMs)) inst.add(C.requestTimeoutBudget, rq.timeoutBudgetMs, base);

  if (f.responseSchemaValid === true) inst.add(C.responseSchemaValid, 1, base);
  if (f.responseSchemaValid === false) inst.add(C.responseSchemaInvalid, 1, base);
  const items = deliberate ? [] : f.items;
  if (has(items, ['missing', 'type', 'value', 'shape'], CHOICES_PATH))
    inst.add(C.responseMissingChoices, 1, base);
  if (has(items, ['missing', 'value', 'type'], CONTENT_PATH)) inst.add(C.responseEmptyContent, 1, base);
  if (has(items, ['missing', 'usage'], USAGE_PATH)) inst.add(C.responseMissingUsage, 1, base);
  const missingPaths = new Set(items.filter((i) => i.kind === 'missing').map((i) => i.path));
  for (const p of missingPaths) inst.add(C.responseMissingField, 1, base.with(ATTR.path, p));
  for (const fr of new Set(rs.finishReasons ?? []))
    inst.add(C.responseFinishReason, 1, base.with(ATTR.finishReason, fr));
  if (rs.status !== undefined) {
    const present = Object.keys(rs.headers).some((h) => h.toLowerCase().startsWith('x-ratelimit-'));
    inst.add(C.responseRateLimitHeaders, 1, base.with(ATTR.present, String(present)));
  }
  if (f.verdict) inst.add(C.verdict, 1, base.with(ATTR.verdict, f.verdict));
  if (f.shapeDiff) inst.add(C.driftEvents, 1, base.with(ATTR.driftKind, 'new_shape'));
  else if (f.verdict === 'drift') inst.add(C.driftEvents, 1, base.with(ATTR.driftKind, 'finding'));
  if (isNum(f.contractReviewAgeDays)) {
    const a: Attributes = { [ATTR.provider]: r.target.provider, [ATTR.endpoint]: r.target.endpoint };
    if (r.target.contract) a[ATTR.contract] = r.target.contract;
    inst.add(C.contractReviewAge, f.contractReviewAgeDays, AttrSet.of(a));
  }

  if (isNum(t.totalMs)) inst.add(C.latency, t.totalMs, sized);
  if (isNum(t.ttfbMs)) inst.add(C.timeToFirstByte, t.ttfbMs, sized);
  if (isNum(t.firstTokenMs)) inst.add(C.timeToFirstToken, t.firstTokenMs, sized);
  if (isNum(t.totalMs) && isNum(t.ttfbMs) && t.totalMs >= t.ttfbMs)
    inst.add(C.completionDuration, t.totalMs - t.ttfbMs, sized);
  if (isNum(t.dnsMs)) inst.add(C.phaseDuration, t.dnsMs, base.with(ATTR.phase, 'dns'));
  if (isNum(t.connectMs)) inst.add(C.phaseDuration, t.connectMs, base.with(ATTR.phase, 'connect'));
  if (isNum(t.tlsMs)) inst.add(C.phaseDuration, t.tlsMs, base.with(ATTR.phase, 'tls'));
  if (isNum(t.upstreamMs)) inst.add(C.phaseDuration, t.upstreamMs, base.with(ATTR.phase, 'upstream'));
  // a timeout_boundary probe provokes its timeout on purpose: not the client timeout rate
  if (r.transportError && /timeout/i.test(r.transportError.code) && !deliberate)
    inst.add(C.clientTimeout, 1, base);

  const u = rs.usage;
  if (u) {
    if (isNum(u.promptTokens)) inst.add(C.usagePromptTokens, u.promptTokens, base);
    if (isNum(u.completionTokens)) inst.add(C.usageCompletionTokens, u.completionTokens, base);
    if (isNum(u.totalTokens)) inst.add(C.usageTotalTokens, u.totalTokens, base);
  }

  if (f.errorClass) {
    const status = rs.status !== undefined ? String(rs.status) : r.transportError?.code;
    const a = base
      .with(ATTR.errorClass, f.errorClass)
      .with(ATTR.subReason, f.subReason || undefined)
      .with(ATTR.statusCode, status)
      .with(ATTR.owner, f.owner || undefined)
      .with(ATTR.retryable, f.retryable === undefined ? undefined : String(f.retryable));
    inst.add(C.error, 1, a);
  }
  const recovered =
    r.retry?.succeededAfterFailure === true ||
    (r.upstream?.retried === true && r.upstream.lastAttemptOk === true);
  if (recovered) inst.add(C.retrySuccessAfterFailure, 1, base);

  if (r.source === 'probe') {
    const ok = f.expectation ? f.expectation.held : callSucceeded(r);
    inst.add(C.probeSuccess, ok ? 1 : 0, base);
    if (f.answerMatched !== undefined)
      inst.add(C.probeAnswerMatched, 1, base.with(ATTR.matched, String(f.answerMatched)));
  }
  const days = r.tls?.certDaysLeft;
  if (typeof days === 'number' && Number.isFinite(days)) inst.add(C.tlsCertificateExpiry, days, base); // may be negative

  recordGenAi(inst, r);
}

function recordGenAi(inst: Instruments, r: CallRecord): void {
  const a = genaiAttrs(r);
  const t = r.timings;
  if (isNum(t.totalMs)) inst.add(G.operationDuration, t.totalMs / 1000, a);
  const u = r.response.usage;
  if (u) {
    if (isNum(u.promptTokens)) inst.add(G.tokenUsage, u.promptTokens, a.with(GENAI.tokenType, 'input'));
    if (isNum(u.completionTokens))
      inst.add(G.tokenUsage, u.completionTokens, a.with(GENAI.tokenType, 'output'));
  }
  if (r.request.stream === true) {
    const first = t.firstEventMs ?? t.firstTokenMs;
    if (isNum(first)) inst.add(G.timeToFirstChunk, first / 1000, a);
    for (const gap of t.chunkGapsMs ?? []) if (isNum(gap)) inst.add(G.timePerOutputChunk, gap / 1000, a);
  }
}
