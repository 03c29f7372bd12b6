// SPDX-License-Identifier: Apache-2.0
// One HTTP attempt of a probe: send, time the phases, read the body within its limits (size,
// idle gap, overall deadline), and describe what came back. Every failure becomes data in the
// returned attempt (a transport error code, a parse state, stream anomalies); nothing throws.
import { performance } from 'node:perf_hooks';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { ResponseInfo, Timings, TransportError } from '../../model/call-record.js';
import { ChatStreamAccumulator } from '../../sse/chat-stream.js';
import type { JsonLimits } from '../../util/json-limits.js';
import { classifyBody } from '../../http-call/classify-text.js';
import { allowListHeaders, redirectOrigin, requestIdOf } from '../../http-call/response-headers.js';
import type { ConnectTimes } from './timed-connect.js';

export interface AttemptRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The request asked for a stream: a 2xx body without a JSON/HTML type is read as SSE. */
  stream: boolean;
  deadlineMs: number;
  idleMs: number;
  maxBodyBytes: number;
  maxChunks: number;
  /** Depth and value limits of a body or stream event that is parsed and judged. */
  json?: JsonLimits;
  /** Shutdown of the receiver: abort at once. */
  signal?: AbortSignal;
}

export interface AttemptResult {
  response: ResponseInfo;
  timings: Timings;
  transportError?: TransportError;
  tls?: { certDaysLeft?: number; protocol?: string };
  /** Wall-clock duration of this attempt. */
  durationMs: number;
}

/** Where a probe's connection comes from; `times` is filled by a timed connector when one is used. */
export interface ConnectionLease {
  dispatcher: Dispatcher;
  times: ConnectTimes;
  release(): Promise<void>;
}

const CODE_RE = /^[A-Za-z0-9_]{1,48}$/;

class Deadline extends Error {
  constructor() {
    super('probe deadline reached');
    this.name = 'Deadline';
  }
}

export async function runAttempt(req: AttemptRequest, lease: ConnectionLease): Promise<AttemptResult> {
  const t0 = performance.now();
  const since = () => performance.now() - t0;
  const response: ResponseInfo = { headers: {} };
  const timings: Timings = {};
  const out: AttemptResult = { response, timings, durationMs: 0 };
  const ac = new AbortController();
  let deadlineHit = false;
  const timer = setTimeout(() => {
    deadlineHit = true;
    ac.abort(new Deadline());
  }, req.deadlineMs);
  timer.unref();
  const onShutdown = () => ac.abort(new Error('receiver shutting down'));
  req.signal?.addEventListener('abort', onShutdown, { once: true });
  const finish = (): AttemptResult => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onShutdown);
    const t = lease.times;
    if (t.dnsMs !== undefined) timings.dnsMs = t.dnsMs;
    if (t.connectMs !== undefined) timings.connectMs = t.connectMs;
    if (t.tlsMs !== undefined) timings.tlsMs = t.tlsMs;
    if (t.certDaysLeft !== undefined || t.tlsProtocol)
      out.tls = { certDaysLeft: t.certDaysLeft, protocol: t.tlsProtocol };
    timings.totalMs = out.durationMs = since();
    return out;
  };

  let res: Dispatcher.ResponseData;
  try {
    res = await lease.dispatcher.request({
      origin: req.url.origin,
      path: req.url.pathname + req.url.search,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: ac.signal,
      headersTimeout: req.deadlineMs,
      bodyTimeout: req.idleMs,
    });
  } catch (err) {
    out.transportError = headerPhaseError(err, lease.times, deadlineHit, req.signal?.aborted === true);
    response.parse = 'not_read';
    return finish();
  }
  timings.ttfbMs = since();
  // Destroying a body we stop reading emits 'error'; the readers below report what happened.
  res.body.on('error', () => {});
  response.status = res.statusCode;
  response.headers = allowListHeaders(res.headers);
  const ct = (response.headers['content-type'] ?? '').toLowerCase();
  if (ct) response.contentType = ct.split(';')[0].trim();
  response.requestId = requestIdOf(response.headers);

  if (res.statusCode >= 300 && res.statusCode < 400) {
    // Never followed: only where it points (its origin) is recorded.
    response.redirectOrigin = redirectOrigin(res.headers.location, req.url.href);
    response.parse = 'not_read';
    res.body.destroy();
    return finish();
  }

  const isSse =
    ct.includes('text/event-stream') ||
    (req.stream && res.statusCode < 300 && !ct.includes('json') && !ct.includes('html'));
  try {
    if (isSse) await readStream(req, res, out, since, () => deadlineHit);
    else await readBuffered(req, res, out, () => deadlineHit);
  } catch (err) {
    // readers catch their own errors; this is a last guard so a probe never crashes the agent
    out.transportError ??= { code: 'ERR', phase: 'body', message: sanitize(err) };
  }
  return finish();
}

function headerPhaseError(
  err: unknown,
  t: ConnectTimes,
  deadlineHit: boolean,
  shutdown: boolean,
): TransportError {
  if (t.failure) {
    const code = t.failure.code === 'connect_timeout' ? 'timeout' : t.failure.code;
    return { code: boundedCode(code), phase: t.failure.phase, message: t.failure.message.slice(0, 200) };
  }
  const e = err as { code?: string; name?: string };
  if (deadlineHit || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return {
      code: 'timeout',
      phase: t.connected === false ? 'connect' : 'headers',
      message: 'no response headers before the deadline',
    };
  }
  if (shutdown) return { code: 'aborted', phase: 'headers', message: 'receiver shut down' };
  if (e.code === 'UND_ERR_SOCKET' || e.code === 'ECONNRESET') {
    return { code: 'ECONNRESET', phase: 'headers', message: sanitize(err) };
  }
  return { code: boundedCode(e.code ?? e.name ?? 'ERR'), phase: 'headers', message: sanitize(err) };
}

function bodyPhaseError(err: unknown, deadlineHit: boolean): TransportError {
  const e = err as { code?: string; name?: string };
  if (deadlineHit)
    return { code: 'body_timeout', phase: 'body', message: 'body not complete before the deadline' };
  if (e.code === 'UND_ERR_BODY_TIMEOUT')
    return { code: 'body_timeout', phase: 'body', message: 'body went silent' };
  if (e.code === 'UND_ERR_SOCKET' || e.code === 'ECONNRESET') {
    return { code: 'ECONNRESET', phase: 'body', message: sanitize(err) };
  }
  if (e.code === 'UND_ERR_ABORTED' || e.name === 'AbortError')
    return { code: 'aborted', phase: 'body', message: 'aborted' };
  return { code: boundedCode(e.code ?? e.name ?? 'ERR'), phase: 'body', message: sanitize(err) };
}

function boundedCode(c: string): string {
  return CODE_RE.test(c) ? c : 'ERR';
}

function sanitize(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.replace(/Bearer\s+\S+/gi, 'Bearer [REDACTED]').slice(0, 200);
}

/**
 * Feeds the body to `onChunk` until it ends or fails (a body-phase error), or until it passes
 * `req.maxBodyBytes`: then the response is marked truncated, `body_limit` recorded and the body
 * destroyed. Returns the bytes received.
 */
async function drainBody(
  req: AttemptRequest,
  res: Dispatcher.ResponseData,
  out: AttemptResult,
  deadlineHit: () => boolean,
  what: 'stream' | 'body',
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  let bytes = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.byteLength;
      if (bytes > req.maxBodyBytes) {
        out.response.truncated = true;
        out.transportError = {
          code: 'body_limit',
          phase: 'body',
          message: `${what} exceeded ${req.maxBodyBytes} bytes`,
        };
        res.body.destroy();
        break;
      }
      onChunk(chunk);
    }
  } catch (err) {
    out.transportError = bodyPhaseError(err, deadlineHit());
  }
  return bytes;
}

async function readStream(
  req: AttemptRequest,
  res: Dispatcher.ResponseData,
  out: AttemptResult,
  since: () => number,
  deadlineHit: () => boolean,
): Promise<void> {
  const acc = new ChatStreamAccumulator({ maxChunks: req.maxChunks, json: req.json });
  const { response, timings } = out;
  const bytes = await drainBody(req, res, out, deadlineHit, 'stream', (chunk) => acc.push(chunk, since()));
  const code = out.transportError?.code;
  if (code === 'body_limit') acc.mark('body_limit');
  else if (code === 'body_timeout') acc.mark(deadlineHit() ? 'deadline' : 'stalled');
  const r = acc.end();
  response.bodyBytes = bytes;
  response.parse = 'sse';
  response.stream = r.summary;
  if (r.firstEventMs !== undefined) timings.firstEventMs = r.firstEventMs;
  if (r.firstTokenMs !== undefined) timings.firstTokenMs = r.firstTokenMs;
  if (r.firstReasoningTokenMs !== undefined) timings.firstReasoningTokenMs = r.firstReasoningTokenMs;
  timings.chunkGapsMs = r.chunkGapsMs;
  timings.chunkCount = r.chunkCount;
  if (r.usage) response.usage = r.usage;
  response.finishReasons = r.finishReasons;
  if (r.model) response.model = r.model;
  if (r.contentText !== undefined) response.contentText = r.contentText;
}

async function readBuffered(
  req: AttemptRequest,
  res: Dispatcher.ResponseData,
  out: AttemptResult,
  deadlineHit: () => boolean,
): Promise<void> {
  const { response } = out;
  const parts: Buffer[] = [];
  const bytes = await drainBody(req, res, out, deadlineHit, 'body', (chunk) => parts.push(chunk));
  response.bodyBytes = bytes;
  if (out.transportError) {
    response.parse = 'not_read';
    return;
  }
  let raw = Buffer.concat(parts);
  const encoding = (response.headers['content-encoding'] ?? '').toLowerCase().trim();
  if (encoding && encoding !== 'identity' && raw.length > 0) {
    try {
      const opts = { maxOutputLength: req.maxBodyBytes };
      raw =
        encoding === 'gzip' || encoding === 'x-gzip'
          ? gunzipSync(raw, opts)
          : encoding === 'deflate'
            ? inflateSync(raw, opts)
            : encoding === 'br'
              ? brotliDecompressSync(raw, opts)
              : raw;
    } catch (err) {
      const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
      if (tooBig) {
        response.truncated = true;
        out.transportError = {
          code: 'body_limit',
          phase: 'body',
          message: `decoded body exceeded ${req.maxBodyBytes} bytes`,
        };
        response.parse = 'not_read';
        return;
      }
      out.transportError = {
        code: 'bad_encoding',
        phase: 'body',
        message: `could not decode ${encoding} body`,
      };
      response.parse = 'invalid_json';
      return;
    }
  }
  classifyBody(raw, response, req.json);
}
