// SPDX-License-Identifier: Apache-2.0
// CallRecord → metric values. Where the record lacks a field, nothing is recorded for it (never
// a fake zero; the one exception is a declared target's alerting counters, created at 0).
// Attributes are low-cardinality only (DESIGN.md §4); upstream values are bounded (label-bounds).
import { neededSecondAttempt, recoveredAfterFailure } from '../model/call-record.js';
import type { CallRecord, Finding } from '../model/call-record.js';
import { AttrSet } from './attr-set.js';
import { LabelBounds, OTHER } from './label-bounds.js';
import type { MetricSink } from './metric-sink.js';
import { recordGateway } from './record-gateway.js';
import { schemaJudgement } from './schema-judgement.js';
import {
  ATTR,
  CONTRACT as C,
  GENAI,
  GENAI_METRICS as G,
  GENAI_OPERATION_CHAT,
  genAiProviderName,
  SECONDS_PER_DAY,
  TARGET_DECLARED_EVENT,
} from './names.js';

const CONTENT_PATH = /^choices(\[0\])?\.(message|delta)\.content$/;
const CHOICES_PATH = /^choices(\[0\])?$/;
const USAGE_PATH = /^usage$/;

export type { MetricSink } from './metric-sink.js';

const ROOT = AttrSet.ROOT;

/** provider × endpoint: the unit label bounds are kept per. */
function targetAttrs(r: CallRecord): AttrSet {
  return ROOT.with(ATTR.provider, r.target.provider).with(ATTR.endpoint, r.target.endpoint);
}

/**
 * The request model as a label: a probe's comes from the config (named); a gateway log's comes
 * from the traffic, so it is bounded like any upstream value.
 */
function modelLabel(
  sink: MetricSink,
  r: CallRecord,
  target: AttrSet,
  bounds: LabelBounds,
): string | undefined {
  const m = r.request.model;
  if (!m) return undefined;
  return bounded(sink, bounds, target, ATTR.model, m, r.source === 'probe');
}

function bounded(
  sink: MetricSink,
  bounds: LabelBounds,
  target: AttrSet,
  label: string,
  value: string,
  named: boolean,
): string {
  const out = bounds.bound(target, label, value, named);
  if (out === OTHER && value !== OTHER) sink.add(C.attributeOverflow, 1, target.with(ATTR.attribute, label));
  return out;
}

function baseAttrs(r: CallRecord, target: AttrSet, model: string | undefined): AttrSet {
  return target.with(ATTR.source, r.source).with(ATTR.model, model).with(ATTR.probe, r.request.probe);
}

/** The response model is named when it is the requested one or a dated snapshot of it. */
function responseModelNamed(r: CallRecord): boolean {
  const req = r.request.model;
  const res = r.response.model;
  return req !== undefined && res !== undefined && (res === req || res.startsWith(`${req}-`));
}

function genaiAttrs(
  sink: MetricSink,
  r: CallRecord,
  target: AttrSet,
  model: string | undefined,
  bounds: LabelBounds,
): AttrSet {
  const res = r.response.model;
  return ROOT.with(GENAI.operationName, GENAI_OPERATION_CHAT)
    .with(GENAI.providerName, genAiProviderName(r.target.provider))
    .with(GENAI.requestModel, model)
    .with(
      GENAI.responseModel,
      res === undefined
        ? undefined
        : bounded(sink, bounds, target, GENAI.responseModel, res, responseModelNamed(r)),
    )
    .with(GENAI.serverAddress, r.target.serverAddress)
    .with(GENAI.serverPort, r.target.serverPort)
    .with(GENAI.errorType, errorType(r));
}

/** `error.type` per the conventions: our error class, else the status code, else a transport code. */
export function errorType(r: CallRecord): string | undefined {
  if (r.findings.errorClass) return r.findings.errorClass;
  if (r.transportError) return r.transportError.code;
  if (r.response.status !== undefined && r.response.status >= 400) return String(r.response.status);
  return undefined;
}

function has(items: readonly Finding[], kinds: readonly string[], path: RegExp): boolean {
  for (let i = 0; i < items.length; i++)
    if (kinds.includes(items[i].kind) && path.test(items[i].path)) return true;
  return false;
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

export function recordEvent(inst: MetricSink, r: CallRecord, bounds: LabelBounds): void {
  const ev = r.event!;
  if (ev.name === TARGET_DECLARED_EVENT) return declareTarget(inst, r, bounds);
  const a = ROOT.with(ATTR.receiver, r.receiver);
  inst.add(C.watchEvents, 1, a.with(ATTR.event, ev.name));
  if (ev.name === 'probe.budget_exhausted') {
    const probe = ev.attributes.probe ?? r.request.probe;
    inst.add(C.probeBudgetExhausted, 1, a.with(ATTR.probe, typeof probe === 'string' ? probe : undefined));
  } else if (ev.name === 'docs.changed') inst.add(C.docsChanged, 1, a);
}

/** Counters an alert or a dashboard panel reads, created at 0 for a configured target. */
const SEEDED = [
  C.request,
  C.requestSchemaInvalid,
  C.responseSchemaValid,
  C.responseSchemaInvalid,
  C.responseMissingChoices,
  C.responseEmptyContent,
  C.responseMissingUsage,
  C.clientTimeout,
  C.fallbackActivation,
  C.retrySuccessAfterFailure,
] as const;

/**
 * A receiver declared one of its configured targets: every counter the shipped alerts and
 * dashboard use exists at 0 from the first export, so rate()/increase() see the first event
 * (a series born at 1 shows no increase).
 */
function declareTarget(inst: MetricSink, r: CallRecord, bounds: LabelBounds): void {
  const target = targetAttrs(r);
  const base = baseAttrs(r, target, modelLabel(inst, r, target, bounds));
  for (const def of SEEDED) inst.add(def, 0, base);
  for (const v of ['ok', 'drift', 'violation']) inst.add(C.verdict, 0, base.with(ATTR.verdict, v));
  for (const k of ['new_shape', 'finding']) inst.add(C.driftEvents, 0, base.with(ATTR.driftKind, k));
  inst.add(C.probeBudgetExhausted, 0, ROOT.with(ATTR.receiver, r.receiver).with(ATTR.probe, r.request.probe));
}

export function recordMetrics(
  inst: MetricSink,
  r: CallRecord,
  bounds: LabelBounds = new LabelBounds(),
): void {
  if (r.event) return recordEvent(inst, r, bounds);
  const target = targetAttrs(r);
  const model = modelLabel(inst, r, target, bounds);
  const base = baseAttrs(r, target, model);
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
  if (isNum(rq.timeoutBudgetMs)) inst.add(C.requestTimeoutBudget, rq.timeoutBudgetMs / 1000, base);

  const judged = schemaJudgement(r);
  if (judged === 'valid') inst.add(C.responseSchemaValid, 1, base);
  else if (judged === 'invalid') inst.add(C.responseSchemaInvalid, 1, base);
  const items = deliberate ? [] : f.items;
  if (has(items, ['missing', 'type', 'value', 'shape'], CHOICES_PATH))
    inst.add(C.responseMissingChoices, 1, base);
  if (has(items, ['missing', 'value', 'type'], CONTENT_PATH)) inst.add(C.responseEmptyContent, 1, base);
  if (has(items, ['missing', 'usage'], USAGE_PATH)) inst.add(C.responseMissingUsage, 1, base);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it.kind !== 'missing' || items.findIndex((x) => x.kind === 'missing' && x.path === it.path) !== i)
      continue;
    inst.add(C.responseMissingField, 1, base.with(ATTR.path, it.path));
  }
  const reasons = rs.finishReasons;
  if (reasons && reasons.length > 0) {
    // named: judged against a contract that raised no finish_reason enum finding
    const named =
      f.verdict !== undefined && !f.items.some((i) => i.kind === 'enum' && i.path.endsWith('finish_reason'));
    for (let i = 0; i < reasons.length; i++) {
      if (reasons.indexOf(reasons[i]) !== i) continue; // once per distinct reason
      const fr = bounded(inst, bounds, target, ATTR.finishReason, reasons[i], named);
      inst.add(C.responseFinishReason, 1, base.with(ATTR.finishReason, fr));
    }
  }
  if (rs.status !== undefined) {
    inst.add(C.responseRateLimitHeaders, 1, base.with(ATTR.present, hasRateLimitHeader(rs.headers)));
  }
  if (f.verdict) inst.add(C.verdict, 1, base.with(ATTR.verdict, f.verdict));
  if (f.shapeDiff) inst.add(C.driftEvents, 1, base.with(ATTR.driftKind, 'new_shape'));
  else if (f.verdict === 'drift') inst.add(C.driftEvents, 1, base.with(ATTR.driftKind, 'finding'));
  if (isNum(f.contractReviewAgeDays))
    inst.add(
      C.contractReviewAge,
      f.contractReviewAgeDays * SECONDS_PER_DAY,
      target.with(ATTR.contract, r.target.contract || undefined),
    );

  // the record keeps client milliseconds; the metrics are in base units (seconds)
  if (isNum(t.totalMs)) inst.add(C.latency, t.totalMs / 1000, sized);
  if (isNum(t.ttfbMs)) inst.add(C.timeToFirstByte, t.ttfbMs / 1000, sized);
  if (isNum(t.firstTokenMs)) inst.add(C.timeToFirstToken, t.firstTokenMs / 1000, sized);
  if (isNum(t.totalMs) && isNum(t.ttfbMs) && t.totalMs >= t.ttfbMs)
    inst.add(C.completionDuration, (t.totalMs - t.ttfbMs) / 1000, sized);
  if (isNum(t.dnsMs)) inst.add(C.phaseDuration, t.dnsMs / 1000, base.with(ATTR.phase, 'dns'));
  if (isNum(t.connectMs)) inst.add(C.phaseDuration, t.connectMs / 1000, base.with(ATTR.phase, 'connect'));
  if (isNum(t.tlsMs)) inst.add(C.phaseDuration, t.tlsMs / 1000, base.with(ATTR.phase, 'tls'));
  if (isNum(t.upstreamMs)) inst.add(C.phaseDuration, t.upstreamMs / 1000, base.with(ATTR.phase, 'upstream'));
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
  if (neededSecondAttempt(r) && !deliberate) inst.add(C.fallbackActivation, 1, base);
  if (recoveredAfterFailure(r)) inst.add(C.retrySuccessAfterFailure, 1, base);

  if (r.source === 'probe') {
    const ok = f.expectation ? f.expectation.held : callSucceeded(r);
    inst.add(C.probeSuccess, ok ? 1 : 0, base);
    if (f.expectation)
      inst.add(
        C.probeExpectation,
        1,
        base.with(ATTR.probeKind, f.expectation.kind).with(ATTR.held, String(f.expectation.held)),
      );
    if (f.answerMatched !== undefined)
      inst.add(C.probeAnswerMatched, 1, base.with(ATTR.matched, String(f.answerMatched)));
  }
  const days = r.tls?.certDaysLeft;
  if (typeof days === 'number' && Number.isFinite(days))
    inst.add(C.tlsCertificateExpiry, days * SECONDS_PER_DAY, base); // may be negative

  recordGenAi(inst, r, genaiAttrs(inst, r, target, model, bounds));
  if (r.source === 'access_log') recordGateway(inst, r, model);
}

function hasRateLimitHeader(headers: Record<string, string>): 'true' | 'false' {
  for (const h in headers)
    if (h.length > 12 && h.slice(0, 12).toLowerCase() === 'x-ratelimit-') return 'true';
  return 'false';
}

function recordGenAi(inst: MetricSink, r: CallRecord, a: AttrSet): void {
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
