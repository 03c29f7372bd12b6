// SPDX-License-Identifier: Apache-2.0
// One probe execution (with its optional retries) turned into one CallRecord.
import { randomBytes } from 'node:crypto';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord, TargetInfo } from '../../model/call-record.js';
import type { ProbeReceiverConfig, ProbeSpec, PromptSize } from './config.js';
import type { Connections } from './connection.js';
import { jsonLimitsOf } from '../../util/json-limits.js';
import { runAttempt } from './http-attempt.js';
import type { AttemptResult } from './http-attempt.js';
import { buildRequest, CLIENT_VERSION } from './request-builder.js';

export interface ProbeTargetContext {
  receiverId: string;
  cfg: ProbeReceiverConfig;
  url: URL;
  target: TargetInfo;
  connections: Connections;
  signal: AbortSignal;
  /** Awaited between retries; resolves early on shutdown. */
  sleep: (ms: number) => Promise<void>;
}

const NOT_RETRYABLE_CODES = new Set(['body_limit', 'aborted']);

export function probeTimeoutMs(cfg: ProbeReceiverConfig, p: ProbeSpec): number {
  return p.timeout ?? (p.kind === 'timeout_boundary' ? 1000 : cfg.timeout);
}

function failed(a: AttemptResult): boolean {
  if (a.transportError) return !NOT_RETRYABLE_CODES.has(a.transportError.code);
  const s = a.response.status ?? 0;
  return s === 408 || s === 429 || s >= 500;
}

function retryDelayMs(a: AttemptResult, backoffMs: number): number {
  const ra = a.response.headers['retry-after'];
  if (ra && /^\d+(\.\d+)?$/.test(ra.trim())) return Math.min(30_000, Math.max(backoffMs, Number(ra) * 1000));
  return backoffMs;
}

export async function runProbe(ctx: ProbeTargetContext, p: ProbeSpec, size: PromptSize): Promise<CallRecord> {
  const { cfg } = ctx;
  const built = buildRequest(cfg, p, size);
  const bodyText = typeof built.body === 'string' ? built.body : JSON.stringify(built.body);
  const timeoutMs = probeTimeoutMs(cfg, p);
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const headers: Record<string, string> = {
    ...cfg.headers,
    'content-type': 'application/json',
    accept: built.info.stream ? 'text/event-stream' : 'application/json',
    'user-agent': CLIENT_VERSION,
    traceparent: `00-${traceId}-${spanId}-01`,
  };
  if (cfg.synthetic_header.name) headers[cfg.synthetic_header.name] = cfg.synthetic_header.value;
  if (cfg.api_key) headers.authorization = `Bearer ${cfg.api_key}`;

  const record = newCallRecord(
    'probe',
    ctx.receiverId,
    { ...ctx.target },
    {
      method: 'POST',
      route: ctx.target.endpoint,
      ...built.info,
      synthetic: true,
      timeoutBudgetMs: timeoutMs,
      clientVersion: CLIENT_VERSION,
      bodyBytes: Buffer.byteLength(bodyText),
      requestBody: built.body,
    },
  );
  record.traceId = traceId;
  record.spanId = spanId;

  const maxAttempts = p.retry.enabled ? p.retry.max_attempts : 1;
  const backoffMs = p.retry.backoff;
  const started = performance.now();
  let attempt: AttemptResult | undefined;
  let attempts = 0;
  let firstFailed = false;
  while (attempts < maxAttempts) {
    if (attempts > 0) {
      await ctx.sleep(retryDelayMs(attempt!, backoffMs));
      if (ctx.signal.aborted) break;
    }
    attempts++;
    const lease = ctx.connections.lease(p.name);
    try {
      attempt = await runAttempt(
        {
          url: ctx.url,
          headers,
          body: bodyText,
          stream: built.info.stream === true,
          deadlineMs: timeoutMs,
          idleMs: cfg.idle_timeout,
          maxBodyBytes: cfg.max_body_bytes,
          maxChunks: cfg.max_stream_chunks,
          json: jsonLimitsOf(cfg),
          signal: ctx.signal,
        },
        lease,
      );
    } finally {
      await lease.release();
    }
    if (!failed(attempt)) break;
    if (attempts === 1) firstFailed = true;
  }
  const a = attempt!;
  record.response = a.response;
  record.timings = a.timings;
  if (a.transportError) record.transportError = a.transportError;
  if (a.tls) record.tls = a.tls;
  if (p.retry.enabled) {
    const added = Math.max(0, performance.now() - started - a.durationMs);
    record.retry = { attempts, addedMs: added, succeededAfterFailure: firstFailed && !failed(a) };
    record.timings.retryAddedMs = added;
  }
  const expect = p.expect_answer ?? cfg.expect_answer;
  if (expect && p.kind !== 'invalid_request' && record.response.contentText !== undefined) {
    record.findings.answerMatched = record.response.contentText.toLowerCase().includes(expect.toLowerCase());
  }
  if (ctx.connections.proxied) record.extra = { ...record.extra, proxied: true };
  return record;
}
