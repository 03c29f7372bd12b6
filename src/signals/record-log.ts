// SPDX-License-Identifier: Apache-2.0
// CallRecord → OTLP log records: one per drift event and per violation, and one per watch event.
// They carry the sanitized shape, diff and finding paths only — never bodies or prompts.
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Logger } from '@opentelemetry/api-logs';
import { millisToHrTime } from '@opentelemetry/core';
import type { CallRecord } from '../model/call-record.js';
import { LOG_ATTR, LOG_EVENTS, TARGET_DECLARED_EVENT } from './names.js';

/** True when a record produces a log record. */
export function wantsLog(r: CallRecord): boolean {
  if (r.event) return r.event.name !== TARGET_DECLARED_EVENT; // a declaration is no event to log
  return r.findings.verdict === 'drift' || r.findings.verdict === 'violation' || !!r.findings.shapeDiff;
}

function recordContext(r: CallRecord) {
  if (!r.traceId || !/^[0-9a-f]{32}$/.test(r.traceId)) return ROOT_CONTEXT;
  const spanId = r.spanId && /^[0-9a-f]{16}$/.test(r.spanId) ? r.spanId : '0000000000000001';
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: r.traceId, spanId, traceFlags: TraceFlags.SAMPLED });
}

export function emitLog(logger: Logger, r: CallRecord): void {
  const ts = millisToHrTime(r.startTimeMs);
  if (r.event) {
    const attrs: Attributes = { [LOG_ATTR.receiver]: r.receiver };
    for (const [k, v] of Object.entries(r.event.attributes)) attrs[`driftwatch.event.${k}`] = v;
    logger.emit({
      eventName: LOG_EVENTS.watchPrefix + r.event.name,
      timestamp: ts,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: `watch event ${r.event.name}`,
      attributes: attrs,
    });
    return;
  }
  const f = r.findings;
  const violation = f.verdict === 'violation';
  const attrs: Attributes = {
    [LOG_ATTR.provider]: r.target.provider,
    [LOG_ATTR.source]: r.source,
    [LOG_ATTR.receiver]: r.receiver,
  };
  const set = (k: string, v: string | boolean | string[] | undefined): void => {
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) attrs[k] = v;
  };
  set(LOG_ATTR.verdict, f.verdict);
  set(LOG_ATTR.model, r.request.model);
  set(LOG_ATTR.probe, r.request.probe);
  set(LOG_ATTR.errorClass, f.errorClass);
  set(LOG_ATTR.subReason, f.subReason);
  set(LOG_ATTR.owner, f.owner);
  set(LOG_ATTR.firstAction, f.firstAction);
  set(LOG_ATTR.shapeHash, f.shapeHash);
  set(
    LOG_ATTR.findings,
    f.items.slice(0, 64).map((i) => `${i.level}:${i.kind}:${i.path}`),
  );
  set(LOG_ATTR.shapeAdded, f.shapeDiff?.added.slice(0, 64));
  set(LOG_ATTR.shapeRemoved, f.shapeDiff?.removed.slice(0, 64));
  set(LOG_ATTR.shapeChanged, f.shapeDiff?.changed.slice(0, 64));
  if (f.errorShape) set(LOG_ATTR.errorShape, JSON.stringify(f.errorShape));
  const what = violation ? 'contract violation' : f.shapeDiff ? 'new response shape' : 'contract drift';
  logger.emit({
    eventName: violation ? LOG_EVENTS.violation : LOG_EVENTS.drift,
    timestamp: ts,
    severityNumber: violation ? SeverityNumber.ERROR : SeverityNumber.WARN,
    severityText: violation ? 'ERROR' : 'WARN',
    body: `${what}: ${r.target.provider} ${r.target.endpoint}${r.request.model ? ` ${r.request.model}` : ''}`,
    attributes: attrs,
    context: recordContext(r),
  });
}
