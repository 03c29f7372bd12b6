// SPDX-License-Identifier: Apache-2.0
// Test double: CallRecords as the probe receiver and the processors would leave them, to feed
// exporter tests and benchmarks without the receivers (built elsewhere).
import { newCallRecord } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';

export interface ProbeRecordOptions {
  probe?: string;
  model?: string;
  stream?: boolean;
  status?: number;
  verdict?: 'ok' | 'drift' | 'violation';
  traceId?: string;
  startTimeMs?: number;
}

/** A complete probe record: timings, usage, headers, TLS, findings. */
export function probeRecord(o: ProbeRecordOptions = {}): CallRecord {
  const stream = o.stream ?? false;
  const r = newCallRecord(
    'probe',
    'probe/test',
    {
      provider: 'cometapi',
      endpoint: '/v1/chat/completions',
      serverAddress: '127.0.0.1',
      serverPort: 443,
      contract: 'cometapi-chat',
    },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      model: o.model ?? 'gpt-4o-mini',
      stream,
      synthetic: true,
      probe: o.probe ?? (stream ? 'stream' : 'nonstream'),
      probeKind: stream ? 'chat_stream' : 'chat',
      timeoutBudgetMs: 30_000,
      promptSize: 'small',
    },
    o.startTimeMs ?? Date.now(),
  );
  r.response.status = o.status ?? 200;
  r.response.headers = { 'x-request-id': 'req_123', 'x-ratelimit-remaining-requests': '99' };
  r.response.requestId = 'req_123';
  r.response.model = 'gpt-4o-mini-2024-07-18';
  r.response.finishReasons = ['stop'];
  r.response.usage = { promptTokens: 12, completionTokens: 3, totalTokens: 15, origin: 'body' };
  r.timings = { dnsMs: 2, connectMs: 3, tlsMs: 5, ttfbMs: 120, totalMs: 180 };
  if (stream) {
    r.timings.firstEventMs = 130;
    r.timings.firstTokenMs = 140;
    r.timings.chunkGapsMs = [10, 12, 8];
    r.timings.chunkCount = 4;
  }
  r.tls = { certDaysLeft: 42, protocol: 'TLSv1.3' };
  r.findings = {
    verdict: o.verdict ?? 'ok',
    items: [],
    requestSchemaValid: true,
    responseSchemaValid: (o.verdict ?? 'ok') !== 'violation',
    shapeHash: 'a1b2c3',
    contractReviewAgeDays: 20,
    answerMatched: true,
  };
  if (o.traceId) r.traceId = o.traceId;
  return r;
}

/** HTTP 200 whose body lost `usage` and `choices[0].message.content`: a violation. */
export function violationRecord(o: ProbeRecordOptions = {}): CallRecord {
  const r = probeRecord({ ...o, verdict: 'violation' });
  r.response.usage = undefined;
  r.findings.items = [
    { path: 'usage', kind: 'missing', level: 'violation' },
    { path: 'choices[0].message.content', kind: 'value', level: 'violation', note: 'empty' },
  ];
  r.findings.errorClass = 'schema';
  r.findings.owner = 'application + platform';
  r.findings.firstAction = 'capture the sanitized shape, compare with the contract';
  r.findings.retryable = false;
  return r;
}

/** A new response shape (drift): an extra field appeared. */
export function driftRecord(o: ProbeRecordOptions = {}): CallRecord {
  const r = probeRecord({ ...o, verdict: 'drift' });
  r.findings.items = [{ path: 'choices[0].message.reasoning_content', kind: 'unexpected', level: 'drift' }];
  r.findings.shapeHash = 'd4e5f6';
  r.findings.shapeDiff = { added: ['choices[0].message.reasoning_content'], removed: [], changed: [] };
  return r;
}

/** A 429 with class, owner and retry decision. */
export function rateLimitedRecord(o: ProbeRecordOptions = {}): CallRecord {
  const r = probeRecord({ ...o, status: 429 });
  r.response.usage = undefined;
  r.response.finishReasons = undefined;
  r.findings.verdict = undefined;
  r.findings.responseSchemaValid = undefined;
  r.findings.errorClass = 'rate_limit';
  r.findings.owner = 'platform / capacity';
  r.findings.retryable = true;
  r.timings = { ttfbMs: 40, totalMs: 41 };
  return r;
}

export function eventRecord(
  name: string,
  attributes: Record<string, string | number | boolean> = {},
): CallRecord {
  const r = newCallRecord(
    'probe',
    'probe/test',
    { provider: 'cometapi', endpoint: '/v1/chat/completions' },
    { method: 'POST', route: '/v1/chat/completions', synthetic: true },
  );
  r.event = { name, attributes };
  return r;
}

/**
 * A bare gateway access-log call that retried on a second upstream member (the gateway
 * metrics), with no status, timings or usage, so besides llm.request it adds only to
 * llm.fallback.activation (a second attempt).
 */
export function gatewayRecord(): CallRecord {
  const r = newCallRecord(
    'access_log',
    'access_log/nginx',
    { provider: 'gateway', endpoint: '/v1/chat/completions', gateway: 'nginx' },
    { method: 'POST', route: '/v1/chat/completions', synthetic: false },
  );
  r.upstream = {
    statuses: [],
    attempts: 2,
    retried: true,
    retries: 1,
    fallbacks: 0,
    members: ['10.0.0.1:80', '10.0.0.2:80'],
  };
  return r;
}
