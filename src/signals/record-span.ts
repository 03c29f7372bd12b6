// SPDX-License-Identifier: Apache-2.0
// CallRecord → one CLIENT span named per the GenAI conventions (`chat {model}`), with phase
// events, verdict and error class. The record's trace id (when set) becomes the span's, so a
// provider request id, the record and the span are tied together.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, Tracer } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { CallRecord } from '../model/call-record.js';
import { errorType } from './record-metrics.js';
import { GENAI, GENAI_OPERATION_CHAT, genAiProviderName, SPAN, SPAN_ATTR, SPAN_EVENTS } from './names.js';

/** Ids for the next span: set just before startSpan, consumed by the id generator. */
export class RecordIdGenerator {
  nextTraceId?: string;
  nextSpanId?: string;
  generateTraceId(): string {
    const id = this.nextTraceId;
    this.nextTraceId = undefined;
    return id ?? randomHex(16);
  }
  generateSpanId(): string {
    const id = this.nextSpanId;
    this.nextSpanId = undefined;
    return id ?? randomHex(8);
  }
}

function randomHex(bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  return /^0+$/.test(s) ? randomHex(bytes) : s;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export function spanAttributes(r: CallRecord): Attributes {
  const f = r.findings;
  const a: Attributes = {
    [GENAI.operationName]: GENAI_OPERATION_CHAT,
    [GENAI.providerName]: genAiProviderName(r.target.provider),
    [SPAN_ATTR.source]: r.source,
    [SPAN_ATTR.receiver]: r.receiver,
    [SPAN_ATTR.endpoint]: r.target.endpoint,
    [SPAN_ATTR.synthetic]: r.request.synthetic,
  };
  const set = (k: string, v: string | number | boolean | string[] | undefined | null): void => {
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) a[k] = v;
  };
  set(GENAI.requestModel, r.request.model);
  set(GENAI.responseModel, r.response.model);
  set(GENAI.responseId, r.response.responseId);
  set(GENAI.requestStream, r.request.stream);
  set(GENAI.requestMaxTokens, r.request.maxTokens);
  set(GENAI.finishReasons, r.response.finishReasons);
  set(GENAI.serverAddress, r.target.serverAddress);
  set(GENAI.serverPort, r.target.serverPort);
  set(GENAI.httpStatus, r.response.status);
  set(GENAI.errorType, errorType(r));
  const u = r.response.usage;
  set(GENAI.usageInput, u?.promptTokens);
  set(GENAI.usageOutput, u?.completionTokens);
  set(GENAI.usageCacheRead, u?.cachedTokens);
  set(GENAI.usageReasoning, u?.reasoningTokens);
  if (r.request.stream && r.timings.firstEventMs !== undefined)
    set(GENAI.timeToFirstChunk, r.timings.firstEventMs / 1000);
  set(SPAN_ATTR.probe, r.request.probe);
  set(SPAN_ATTR.probeKind, r.request.probeKind);
  set(SPAN_ATTR.requestId, r.response.requestId);
  set(SPAN_ATTR.verdict, f.verdict);
  set(SPAN_ATTR.errorClass, f.errorClass);
  set(SPAN_ATTR.subReason, f.subReason);
  set(SPAN_ATTR.owner, f.owner);
  set(SPAN_ATTR.firstAction, f.firstAction);
  set(SPAN_ATTR.retryable, f.retryable);
  set(SPAN_ATTR.shapeHash, f.shapeHash);
  set(SPAN_ATTR.transportError, r.transportError?.code);
  set(
    SPAN_ATTR.findings,
    f.items
      .filter((i) => i.level !== 'info')
      .slice(0, 32)
      .map((i) => `${i.level}:${i.kind}:${i.path}`),
  );
  return a;
}

/** Phase events as offsets from the call start (DNS, connect and TLS are durations that add up). */
function phaseEvents(r: CallRecord): Array<[string, number]> {
  const t = r.timings;
  const out: Array<[string, number]> = [];
  let at = 0;
  if (t.dnsMs !== undefined) out.push([SPAN_EVENTS.dns, (at += t.dnsMs)]);
  if (t.connectMs !== undefined) out.push([SPAN_EVENTS.connect, (at += t.connectMs)]);
  if (t.tlsMs !== undefined) out.push([SPAN_EVENTS.tls, (at += t.tlsMs)]);
  if (t.ttfbMs !== undefined) out.push([SPAN_EVENTS.firstByte, t.ttfbMs]);
  if (t.firstTokenMs !== undefined) out.push([SPAN_EVENTS.firstToken, t.firstTokenMs]);
  if (t.totalMs !== undefined) out.push([SPAN_EVENTS.done, t.totalMs]);
  return out;
}

export function emitSpan(tracer: Tracer, ids: RecordIdGenerator, r: CallRecord): void {
  const start = r.startTimeMs;
  if (r.traceId && TRACE_ID.test(r.traceId)) ids.nextTraceId = r.traceId;
  if (r.spanId && SPAN_ID.test(r.spanId)) ids.nextSpanId = r.spanId;
  const span = tracer.startSpan(
    SPAN.name(r.request.model),
    { kind: SpanKind.CLIENT, startTime: millisToHrTime(start), attributes: spanAttributes(r) },
    ROOT_CONTEXT,
  );
  ids.nextTraceId = ids.nextSpanId = undefined;
  for (const [name, offset] of phaseEvents(r))
    span.addEvent(name, millisToHrTime(start + Math.max(0, offset)));
  const f = r.findings;
  if (f.verdict === 'violation' || f.errorClass || r.transportError) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: f.errorClass ?? f.verdict ?? r.transportError?.code,
    });
  }
  span.end(millisToHrTime(start + Math.max(0, r.timings.totalMs ?? 0)));
}
