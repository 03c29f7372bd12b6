// SPDX-License-Identifier: Apache-2.0
// Watches one upstream response go by, chunk by chunk, and describes it the way a probe does:
// status, allow-listed headers, the body parsed within the judge limit (the probe's
// `classifyBody`), a stream assembled by the same `ChatStreamAccumulator`, and the timings.
// It only reads copies of what is forwarded: nothing here can delay or change the answer.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { ResponseInfo, Timings, TransportError } from '../../model/call-record.js';
import { ChatStreamAccumulator } from '../../sse/chat-stream.js';
import type { JsonLimits } from '../../util/json-limits.js';
import { classifyBody } from '../../http-call/classify-text.js';
import { allowListHeaders, redirectOrigin, requestIdOf } from '../../http-call/response-headers.js';

export interface ObserveLimits {
  maxBodyBytes: number;
  maxChunks: number;
  /** Depth and value limits of a body or event that is parsed (above them: `too_complex`). */
  json: JsonLimits;
}

export interface Observation {
  response: ResponseInfo;
  timings: Timings;
  transportError?: TransportError;
  /** Why the body was not judged (`body_limit`, `too_complex`, `client_abort`), if it was not. */
  unjudged?: string;
}

type RawHeaders = Record<string, string | string[] | undefined>;

export class ResponseObserver {
  private readonly response: ResponseInfo = { headers: {} };
  private readonly timings: Timings = {};
  private acc?: ChatStreamAccumulator;
  private parts: Buffer[] = [];
  private bytes = 0;
  private over = false;

  constructor(
    private readonly limits: ObserveLimits,
    private readonly streamRequested: boolean,
  ) {}

  headers(status: number, raw: RawHeaders, ttfbMs: number, url: string): void {
    const response = this.response;
    this.timings.ttfbMs = ttfbMs;
    response.status = status;
    response.headers = allowListHeaders(raw);
    const ct = (response.headers['content-type'] ?? '').toLowerCase();
    if (ct) response.contentType = ct.split(';')[0].trim();
    response.requestId = requestIdOf(response.headers);
    if (status >= 300 && status < 400) response.redirectOrigin = redirectOrigin(raw.location, url);
    const sse =
      ct.includes('text/event-stream') ||
      (this.streamRequested && status >= 200 && status < 300 && !ct.includes('json') && !ct.includes('html'));
    if (sse)
      this.acc = new ChatStreamAccumulator({ maxChunks: this.limits.maxChunks, json: this.limits.json });
  }

  chunk(buf: Buffer, atMs: number): void {
    this.bytes += buf.byteLength;
    if (this.over) return;
    if (this.bytes > this.limits.maxBodyBytes) {
      // Above the judge limit the answer still flows; only the judging stops.
      this.over = true;
      this.parts = [];
      return;
    }
    if (this.acc) this.acc.push(buf, atMs);
    else this.parts.push(buf);
  }

  /** A recorded response that passed the judge limit: `bytes` in all, none of them kept. */
  passedLimit(bytes: number): void {
    this.bytes = bytes;
    this.over = true;
    this.parts = [];
  }

  /** The description, once the body ended (or failed with `error`, or the client left). */
  end(totalMs: number, error?: TransportError, clientAborted = false): Observation {
    const { response, timings } = this;
    timings.totalMs = totalMs;
    response.bodyBytes = this.bytes;
    const out: Observation = { response, timings };
    if (clientAborted) {
      // nginx's convention: 499, the client closed the request; what it left says nothing of the contract
      response.status = 499;
      response.parse = 'not_read';
      out.unjudged = 'client_abort';
      return out;
    }
    if (error) out.transportError = error;
    if (this.over) {
      response.truncated = true;
      response.parse = 'not_read';
      out.unjudged = 'body_limit';
      return out;
    }
    const status = response.status ?? 0;
    if (status >= 300 && status < 400) {
      response.parse = 'not_read';
      return out;
    }
    if (this.acc) {
      const r = this.acc.end();
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
      return out;
    }
    if (error) {
      response.parse = 'not_read';
      return out;
    }
    const parts = this.parts;
    // most answers arrive in one read: judged as it is, not copied
    const raw = this.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts), out);
    this.parts = [];
    if (raw) classifyBody(raw, response, this.limits.json);
    if (response.parse === 'too_deep' || response.parse === 'too_many_values') out.unjudged = 'too_complex';
    return out;
  }

  /** The body as the application reads it (content-encoding undone, within the judge limit). */
  private decode(raw: Buffer, out: Observation): Buffer | undefined {
    const encoding = (this.response.headers['content-encoding'] ?? '').toLowerCase().trim();
    if (!encoding || encoding === 'identity' || raw.length === 0) return raw;
    const opts = { maxOutputLength: this.limits.maxBodyBytes };
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(raw, opts);
      if (encoding === 'deflate') return inflateSync(raw, opts);
      if (encoding === 'br') return brotliDecompressSync(raw, opts);
      return raw;
    } catch (err) {
      const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
      this.response.parse = 'not_read';
      if (tooBig) {
        this.response.truncated = true;
        out.unjudged = 'body_limit';
      } else {
        out.transportError = {
          code: 'bad_encoding',
          phase: 'body',
          message: `could not decode ${encoding} body`,
        };
        this.response.parse = 'invalid_json';
      }
      return undefined;
    }
  }
}
