// SPDX-License-Identifier: Apache-2.0
// Turns what the forwarder saw of one judged call into a CallRecord: the request parsed and
// fingerprinted, the response described by a `ResponseObserver`. In the agent's thread this runs
// as the call goes by; with `forward_thread: true` the forwarding thread only records the call
// (`CallRecording`: the request body, the response's reads and when they came) and the agent's
// thread describes it, so parsing and judging never take the forwarding thread's time, and the
// copy between the threads is of bytes, not of parsed bodies.
import type { IncomingHttpHeaders } from 'node:http';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord, TargetInfo, TransportError } from '../../model/call-record.js';
import { providerOf } from '../../http-call/provider.js';
import { jsonLimitsOf, overJsonLimitsInBytes } from '../../util/json-limits.js';
import type { ProxyReceiverConfig } from './config.js';
import { fingerprint } from './fingerprint.js';
import type { FingerprintOptions } from './fingerprint.js';
import type { OpenedConnection } from './http1/http1-pool.js';
import { ResponseObserver } from './observe.js';
import type { ObserveLimits, Observation } from './observe.js';

type RawHeaders = Record<string, string | string[] | undefined>;

/** What the forwarding thread keeps of one judged call, for the agent's thread to describe. */
export interface CallRecording {
  startWall: number;
  route: string;
  method: string;
  /** The request headers the fingerprint reads (never `Authorization`). */
  headers: RawHeaders;
  /** The request body when it is to be parsed (within the judge limit), else absent. */
  body?: Uint8Array;
  bodyBytes: number;
  /** Where the call went (a redirect's origin is read against it). */
  url: string;
  /** What opening the connection took and found, when this call opened it. */
  connect?: OpenedConnection;
  status?: number;
  responseHeaders?: RawHeaders;
  ttfbMs?: number;
  /** The response's reads within the judge limit, and when each came (ms since the request). */
  reads: Uint8Array[];
  readsAtMs: number[];
  /** Bytes of the whole response, judged or not; above `max_body_bytes` no read is kept. */
  bytes: number;
  totalMs: number;
  transportError?: TransportError;
  clientAborted: boolean;
}

/** Keeps a response's reads as they pass (the forwarding thread's side of `ResponseObserver`). */
export class ResponseRecorder {
  status?: number;
  headers?: RawHeaders;
  ttfbMs?: number;
  reads: Uint8Array[] = [];
  readsAtMs: number[] = [];
  bytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  onHeaders(status: number, raw: RawHeaders, ttfbMs: number): void {
    this.status = status;
    this.headers = raw;
    this.ttfbMs = ttfbMs;
  }

  /** The recording, once the call ended; the request's side is given by the forwarder. */
  finish(
    call: Omit<CallRecording, 'status' | 'responseHeaders' | 'ttfbMs' | 'reads' | 'readsAtMs' | 'bytes'>,
  ): CallRecording {
    // one literal of every field (a spread plus later fields cost ~5 µs a call: measured)
    return {
      startWall: call.startWall,
      route: call.route,
      method: call.method,
      headers: call.headers,
      body: call.body,
      bodyBytes: call.bodyBytes,
      url: call.url,
      connect: call.connect,
      status: this.status,
      responseHeaders: this.headers,
      ttfbMs: this.ttfbMs,
      reads: this.reads,
      readsAtMs: this.readsAtMs,
      bytes: this.bytes,
      totalMs: call.totalMs,
      transportError: call.transportError,
      clientAborted: call.clientAborted,
    };
  }

  onData(buf: Uint8Array, atMs: number): void {
    this.bytes += buf.byteLength;
    if (this.bytes > this.maxBodyBytes) {
      // above the judge limit the answer still flows; nothing of it is kept
      if (this.reads.length > 0) this.reads = [];
      if (this.readsAtMs.length > 0) this.readsAtMs = [];
      return;
    }
    this.reads.push(buf);
    this.readsAtMs.push(atMs);
  }
}

/**
 * Moves the bytes of `calls` into one new buffer: their bodies and reads become views of it. A
 * read may be a view of a larger buffer (a structured clone would copy all of it), and one
 * buffer per batch is one copy and one transfer, where a copy per read was an allocation each.
 */
export function packBytes(calls: CallRecording[]): ArrayBuffer {
  let total = 0;
  for (const c of calls) {
    total += c.body?.byteLength ?? 0;
    for (const r of c.reads) total += r.byteLength;
  }
  const packed = new Uint8Array(total);
  let at = 0;
  const put = (b: Uint8Array): Uint8Array => {
    packed.set(b, at);
    at += b.byteLength;
    return packed.subarray(at - b.byteLength, at);
  };
  for (const c of calls) {
    if (c.body) c.body = put(c.body);
    c.reads = c.reads.map(put);
  }
  return packed.buffer;
}

/** The call as the forwarder saw it, apart from the response. */
export interface CallFacts {
  startWall: number;
  route: string;
  method: string;
  headers: IncomingHttpHeaders | RawHeaders;
  parsed: unknown;
  bodyBytes: number;
  /** What opening the connection took and found, when this call opened it. */
  connect?: OpenedConnection;
}

export class CallDescriber {
  private readonly limits: ObserveLimits;
  private readonly fp: Omit<FingerprintOptions, 'route' | 'method'>;
  private readonly target: TargetInfo;
  /** The request headers a fingerprint reads: all that a recording keeps. */
  private readonly headerNames: string[];

  constructor(
    private readonly id: string,
    private readonly cfg: ProxyReceiverConfig,
    /** Calls go through an HTTP(S) proxy (marked on the record). */
    private readonly proxied: boolean,
  ) {
    const up = new URL(cfg.upstream);
    this.limits = {
      maxBodyBytes: cfg.max_body_bytes,
      maxChunks: cfg.max_stream_chunks,
      json: jsonLimitsOf(cfg),
    };
    this.fp = {
      tenantHeader: cfg.tenant.header.toLowerCase(),
      tenantKey: cfg.tenant.hmac_key,
      synthetic: cfg.synthetic_header,
    };
    this.target = {
      provider: providerOf(cfg, up),
      endpoint: '',
      serverAddress: up.hostname,
      serverPort: Number(up.port) || (up.protocol === 'https:' ? 443 : 80),
    };
    if (cfg.environment) this.target.environment = cfg.environment;
    if (cfg.contract) this.target.contract = cfg.contract;
    this.headerNames = [
      'user-agent',
      'x-stainless-timeout',
      'x-stainless-retry-count',
      'x-request-timeout',
      ...(this.fp.tenantHeader ? [this.fp.tenantHeader] : []),
      ...(this.fp.synthetic.name ? [this.fp.synthetic.name.toLowerCase()] : []),
    ];
  }

  /** Whether a request body is worth parsing for the fingerprint: present and within the judge limit. */
  keepsBody(bytes: number): boolean {
    return bytes > 0 && bytes <= this.cfg.max_body_bytes;
  }

  /**
   * The parsed request body, or undefined: a body too deep or too large to fingerprint cheaply is
   * not decoded or parsed, and one that is not JSON is left to the upstream to answer.
   */
  parseRequest(body: Uint8Array): unknown {
    if (!this.keepsBody(body.byteLength) || overJsonLimitsInBytes(body, this.limits.json)) return undefined;
    try {
      return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch {
      return undefined;
    }
  }

  observer(parsed: unknown): ResponseObserver {
    return new ResponseObserver(this.limits, (parsed as { stream?: unknown } | null)?.stream === true);
  }

  /** The headers a recording keeps of a request. */
  fingerprintHeaders(h: IncomingHttpHeaders): RawHeaders {
    const out: RawHeaders = {};
    for (const n of this.headerNames) if (h[n] !== undefined) out[n] = h[n];
    return out;
  }

  /** The record of a described call; `unjudged` hears why its body was not judged, if it was not. */
  record(call: CallFacts, obs: Observation, unjudged: (reason: string) => void): CallRecord {
    if (obs.unjudged) unjudged(obs.unjudged);
    const { route, method } = call;
    // literals, not spreads: this runs for every judged call
    const fp = this.fp;
    const opts = {
      route,
      method,
      tenantHeader: fp.tenantHeader,
      tenantKey: fp.tenantKey,
      synthetic: fp.synthetic,
    };
    const request = fingerprint(opts, call.headers, call.parsed, call.bodyBytes);
    const r = newCallRecord('proxy', this.id, this.targetOf(route), request, call.startWall);
    r.response = obs.response;
    const t = (r.timings = obs.timings);
    const c = call.connect;
    if (c) {
      if (c.dnsMs !== undefined) t.dnsMs = c.dnsMs;
      if (c.connectMs !== undefined) t.connectMs = c.connectMs;
      if (c.tlsMs !== undefined) t.tlsMs = c.tlsMs;
      // as a probe records it: the certificate's expiry reaches llm_tls_certificate_expiry_seconds
      if (c.tls) r.tls = { ...c.tls }; // a copy: the connection's own stays as it was read
    }
    if (obs.transportError) r.transportError = obs.transportError;
    const retried = request.clientRetryCount;
    if (retried !== undefined && retried > 0) {
      // each attempt of a call its client retries is a call of its own here: the SDK only retries
      // after a failed attempt, so this one followed a failure
      const status = obs.response.status ?? 0;
      const ok = status >= 200 && status < 300 && !obs.transportError; // a client abort is 499
      r.retry = { attempts: retried + 1, succeededAfterFailure: ok, perAttempt: true };
    }
    if (obs.unjudged || this.proxied)
      r.extra = {
        ...(obs.unjudged ? { unjudged: obs.unjudged } : {}),
        ...(this.proxied ? { proxied: true } : {}),
      };
    return r;
  }

  private targetOf(endpoint: string): TargetInfo {
    const { provider, serverAddress, serverPort, environment, contract } = this.target;
    const t: TargetInfo = { provider, endpoint, serverAddress, serverPort };
    if (environment) t.environment = environment;
    if (contract) t.contract = contract;
    return t;
  }

  /** A recorded call, described as the forwarder would have described it as it went by. */
  describe(c: CallRecording, unjudged: (reason: string) => void): CallRecord {
    const parsed = c.body ? this.parseRequest(c.body) : undefined;
    const observer = this.observer(parsed);
    if (c.status !== undefined) observer.headers(c.status, c.responseHeaders ?? {}, c.ttfbMs ?? 0, c.url);
    if (c.bytes > this.limits.maxBodyBytes) observer.passedLimit(c.bytes);
    else
      c.reads.forEach((read, i) =>
        observer.chunk(Buffer.from(read.buffer, read.byteOffset, read.byteLength), c.readsAtMs[i]),
      );
    const obs = observer.end(c.totalMs, c.transportError, c.clientAborted);
    const facts = {
      startWall: c.startWall,
      route: c.route,
      method: c.method,
      headers: c.headers,
      parsed,
      bodyBytes: c.bodyBytes,
      connect: c.connect,
    };
    return this.record(facts, obs, unjudged);
  }
}
