// SPDX-License-Identifier: Apache-2.0
// The forwarding side of the `proxy` receiver: an HTTP reverse proxy in front of one
// OpenAI-compatible upstream. Every request is forwarded unchanged (minus hop-by-hop fields) and
// every answer streamed back chunk by chunk as it arrives; redirects are passed back, never
// followed. Calls on the judged paths are also described as CallRecords on the side (fingerprint
// + the response as a probe sees it, `describe.ts`) and handed to `sink.record`, which never
// waits: a record never delays, changes or fails a call. It runs in the agent's thread or on its
// own (`forwarding.ts`); there it only records a judged call (`sink.recorded`) and the agent's
// thread describes it.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { transportRetryable } from '../../contract/error-class/decide.js';
import type { CallRecord, TransportError } from '../../model/call-record.js';
import type { ProxyReceiverConfig } from './config.js';
import { CallDescriber, ResponseRecorder } from './describe.js';
import type { CallRecording } from './describe.js';
import { sanitizeError, sendProxyError } from './error-envelope.js';
import type { ProxyErrorCode } from './error-envelope.js';
import { forwardRequestHeaders, forwardResponseHeaders } from './hop-by-hop.js';
import type { ConnectionFacts } from './http1/http1-pool.js';
import type { ResponseObserver } from './observe.js';
import { pathMatcher } from './paths.js';
import { upstreamDispatcher } from './upstream.js';
import type { Upstream } from './upstream.js';

import type { ProxyCounter } from './tally.js';
const CODE_RE = /^[A-Za-z0-9_]{1,48}$/;

function errCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const c = e.cause?.code ?? e.code ?? e.name ?? 'ERR';
  return CODE_RE.test(c) ? c : 'ERR';
}

function isTimeout(code: string): boolean {
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT';
}

/** How the upstream exchange ended. */
type Outcome =
  | { kind: 'end'; status: number }
  | { kind: 'bad_headers'; status: number; err: unknown }
  | { kind: 'error'; err: Error; headersSent: boolean };

function statusClass(status: number | undefined): string {
  return status === undefined ? 'none' : `${Math.floor(status / 100)}xx`;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the forwarder's side output goes; none of these may wait or throw. */
export interface SideOutput {
  /** Adds `n` (1) to `counter`'s series of `labels` (plus the receiver's), keyed once by `key`. */
  count(key: string, counter: ProxyCounter, labels: Record<string, string>, n?: number): void;
  log(level: LogLevel, fields: Record<string, unknown>, msg: string): void;
}

/** A call passed through without a record, counted by reason. */
export function countUnjudged(out: SideOutput, reason: string): void {
  out.count(`unjudged|${reason}`, 'unjudged', { reason });
}

/** A call that could not be described: counted and logged; the call itself was untouched. */
export function describeFailed(out: SideOutput, err: unknown): void {
  out.count('judgeErrors', 'judgeErrors', {});
  out.log('warn', { err: sanitizeError(err) }, 'Could not describe a proxied call.');
}

/** The receiver's sink: judged calls arrive described. */
export interface ForwarderSink extends SideOutput {
  record(r: CallRecord): void;
}

/** The forwarding thread's sink: judged calls are only recorded, for the receiver to describe. */
export interface RecordingSink extends SideOutput {
  recorded(c: CallRecording): void;
}

export class Forwarder {
  private server?: Server;
  private upstream?: Upstream;
  private stopped = false;
  private readonly sockets = new Set<Socket>();
  private readonly active = new Set<Promise<void>>();
  private readonly origin: URL;
  private readonly basePath: string;
  private readonly judgedRoute: (path: string) => string | undefined;
  private describer?: CallDescriber;
  private readonly headersTimeoutMs: number;
  private readonly idleMs: number;

  constructor(
    private readonly id: string,
    private readonly cfg: ProxyReceiverConfig,
    private readonly sink: ForwarderSink | RecordingSink,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    const up = new URL(cfg.upstream);
    this.origin = new URL(up.origin);
    this.basePath = up.pathname.replace(/\/+$/, '');
    this.judgedRoute = pathMatcher(cfg.judge_paths);
    this.headersTimeoutMs = cfg.timeout;
    this.idleMs = cfg.idle_timeout;
  }

  /** Calls go through an HTTP(S) proxy (known once listening). */
  get proxied(): boolean {
    return this.upstream?.proxied ?? false;
  }

  /** The upstream client and the listener; resolves with the address it listens on. */
  async listen(bindHost: string, port: number, endpoint: string): Promise<{ host: string; port: number }> {
    this.upstream = upstreamDispatcher(this.cfg, this.origin, this.cfg.connect_timeout, this.env, () =>
      this.sink.count('connections', 'connections', {}),
    );
    this.describer = new CallDescriber(this.id, this.cfg, this.upstream.proxied);
    if (this.cfg.tls.insecure_skip_verify)
      this.sink.log('warn', { receiver: this.id }, 'TLS verification of the upstream is OFF.');
    const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.track(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('clientError', (_err, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            err.code === 'EADDRINUSE'
              ? `${this.id}: endpoint ${endpoint} is already in use (set receivers.${this.id}.endpoint to a free port)`
              : `${this.id} cannot listen on ${endpoint}: ${err.code ?? err.message}`,
          ),
        ),
      );
      server.listen(port, bindHost, () => resolve());
    });
    server.on('error', (err) => this.sink.log('error', { err: err.message }, 'Proxy listener error.'));
    this.server = server;
    const a = server.address();
    const address = a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: bindHost, port };
    this.sink.log(
      'info',
      { receiver: this.id, endpoint: `${address.host}:${address.port}`, upstream: this.origin.origin },
      'Proxy listening.',
    );
    return address;
  }

  private track(req: IncomingMessage, res: ServerResponse): void {
    const p = this.handle(req, res).catch((err: unknown) => {
      // last guard: a proxy bug answers 502 instead of crashing the agent
      this.sink.count('judgeErrors', 'judgeErrors', {});
      this.sink.log('error', { err: sanitizeError(err) }, 'Proxy call failed unexpectedly.');
      sendProxyError(res, 502, 'internal_error', 'internal proxy error');
    });
    this.active.add(p);
    void p.finally(() => this.active.delete(p));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startWall = Date.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? 'GET';
    const route = this.judgedRoute(path);
    if (this.stopped) return sendProxyError(res, 503, 'proxy_shutting_down', 'shutting down');
    if (route === undefined && this.cfg.other_paths === 'refuse') {
      this.count('refused', undefined, false);
      req.resume();
      return sendProxyError(
        res,
        404,
        'path_not_allowed',
        `path ${JSON.stringify(path.slice(0, 100))} is not allowed by this proxy`,
      );
    }

    const body = await this.readBody(req, res);
    if (body === undefined) return;
    const sampled = route !== undefined && (this.cfg.sample >= 1 || Math.random() < this.cfg.sample);
    if (route !== undefined && !sampled) countUnjudged(this.sink, 'sampled_out');
    if (route === undefined) countUnjudged(this.sink, 'other_path');

    // Forward first: the request is handed to undici before any judging work (parsing the
    // request body for the fingerprint happens while the upstream thinks).
    let clientGone = false;
    let bodyStarted = false;
    let ctl: Dispatcher.DispatchController | undefined;
    let observer: ResponseObserver | undefined;
    let recorder: ResponseRecorder | undefined;
    const t0 = performance.now();
    const since = (): number => performance.now() - t0;
    const outcome = new Promise<Outcome>((resolve) => {
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (c) => {
          ctl = c;
          if (clientGone) c.abort(new Error('client gone'));
        },
        onResponseStart: (c, status, headers) => {
          observer?.headers(status, headers, since(), this.origin.origin + this.basePath + path);
          recorder?.onHeaders(status, headers, since());
          try {
            res.writeHead(status, forwardResponseHeaders(headers));
            // A stream's headers go out at once (time to first byte), a sized body's with its first
            // chunk. "At once" is the end of this turn of the event loop: the first chunk usually
            // came in the same read and then carries the headers in one write (a separate write
            // of the headers was ~8 % of the CPU of a proxied stream).
            if (headers['content-length'] === undefined)
              setImmediate(() => {
                if (!bodyStarted && !res.writableEnded && !res.destroyed) res.flushHeaders();
              });
          } catch (err) {
            resolve({ kind: 'bad_headers', status, err });
            c.abort(new Error('bad headers'));
          }
        },
        onResponseData: (c, chunk) => {
          bodyStarted = true;
          observer?.chunk(chunk, since());
          recorder?.onData(chunk, since());
          // back-pressure: the upstream waits while the client's socket is full
          if (!res.write(chunk) && !clientGone) {
            c.pause();
            res.once('drain', () => c.resume());
          }
        },
        onResponseEnd: () => resolve({ kind: 'end', status: res.statusCode }),
        onResponseError: (c, err) => {
          ctl ??= c; // a call whose connection never opened was never started
          resolve({ kind: 'error', err, headersSent: res.headersSent });
        },
      };
      try {
        this.upstream!.dispatcher.dispatch(
          {
            origin: this.origin.origin,
            path: this.basePath + rawUrl,
            method: method as Dispatcher.HttpMethod,
            headers: forwardRequestHeaders(req.rawHeaders, req.headers.connection),
            body: body.length > 0 || (method !== 'GET' && method !== 'HEAD') ? body : undefined,
            headersTimeout: this.headersTimeoutMs,
            bodyTimeout: this.idleMs,
          },
          handler,
        );
      } catch (err) {
        resolve({ kind: 'error', err: err as Error, headersSent: false });
      }
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        clientGone = true;
        ctl?.abort(new Error('client gone'));
      }
    });

    const describer = this.describer!;
    const sink = this.sink;
    // the request is parsed (for the fingerprint) while the upstream thinks; on the forwarding
    // thread it is only kept, and parsed with the rest of the description on the agent's
    let parsed: unknown;
    if (sampled && 'recorded' in sink) recorder = new ResponseRecorder(this.cfg.max_body_bytes);
    else if (sampled) {
      parsed = describer.parseRequest(body);
      observer = describer.observer(parsed);
    }
    const emit = (transportError?: TransportError, status?: number): void => {
      this.count(statusClass(status), route, sampled);
      if (!sampled || route === undefined) return;
      // DNS, connect and TLS times (and the certificate) when this call opened its connection
      const connect = (ctl as ConnectionFacts | undefined)?.opened;
      try {
        if ('recorded' in sink)
          return sink.recorded(
            recorder!.finish({
              startWall,
              route,
              method,
              headers: describer.fingerprintHeaders(req.headers),
              body: describer.keepsBody(body.length) ? body : undefined,
              bodyBytes: body.length,
              url: this.origin.origin + this.basePath + path,
              connect,
              totalMs: since(),
              transportError,
              clientAborted: clientGone,
            }),
          );
        const obs = observer!.end(since(), transportError, clientGone);
        const facts = {
          startWall,
          route,
          method,
          headers: req.headers,
          parsed,
          bodyBytes: body.length,
          connect,
        };
        sink.record(describer.record(facts, obs, (reason) => countUnjudged(sink, reason)));
      } catch (err) {
        describeFailed(sink, err);
      }
    };

    const out = await outcome;
    if (out.kind === 'end') {
      res.end();
      return emit(undefined, out.status);
    }
    if (clientGone) return emit(undefined, 499);
    if (out.kind === 'bad_headers') {
      this.sink.log(
        'warn',
        { err: sanitizeError(out.err) },
        'Upstream response headers could not be forwarded.',
      );
      const why = 'upstream sent headers that cannot be forwarded';
      sendProxyError(res, 502, 'upstream_bad_response', why, transportRetryable('bad_headers'));
      return emit({ code: 'bad_headers', phase: 'headers' }, out.status);
    }
    const code = errCode(out.err);
    const message = sanitizeError(out.err);
    if (out.headersSent) {
      res.destroy(); // the client sees the cut the upstream made
      const bodyError: TransportError = {
        code:
          code === 'UND_ERR_BODY_TIMEOUT' ? 'body_timeout' : code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code,
        phase: 'body',
        message,
      };
      return emit(bodyError, res.statusCode);
    }
    const timeout = isTimeout(code);
    // an answer that cannot be read one way only (llhttp's codes): the upstream answered, badly
    const unreadable = code.startsWith('HPE_');
    // headers are never logged (Authorization): only the method, the path and the cause
    this.sink.log(
      'debug',
      { receiver: this.id, method, path: path.slice(0, 100), code },
      'Upstream call failed before the response.',
    );
    const host = this.origin.host;
    const [status, kind, text]: [number, ProxyErrorCode, string] = timeout
      ? [504, 'upstream_timeout', `no answer from the upstream ${host} before the deadline (${code})`]
      : unreadable
        ? [
            502,
            'upstream_bad_response',
            `upstream ${host} sent an answer that cannot be read (${code}: ${message})`,
          ]
        : [502, 'upstream_unreachable', `upstream ${host} unreachable (${code}: ${message})`];
    const recorded = timeout ? 'timeout' : code;
    // the client hears the advice the record's class will carry
    sendProxyError(res, status, kind, text, transportRetryable(recorded));
    // a connection that never opened failed in its DNS, connect or TLS phase, as a probe's would
    const phase = (ctl as ConnectionFacts | undefined)?.failedIn ?? 'headers';
    return emit({ code: recorded, phase, message }, undefined);
  }

  /** The whole request body within `max_request_bytes`; undefined when it was refused (413). */
  private readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    const max = this.cfg.max_request_bytes;
    const refuse = (): undefined => {
      this.count('refused', undefined, false);
      res.setHeader('connection', 'close');
      sendProxyError(res, 413, 'request_too_large', `request body above ${max} bytes`);
      res.on('finish', () => req.socket.destroy());
      return undefined;
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return Promise.resolve(refuse());
    // events, not an async iterator: one allocation less per chunk on the hot path
    return new Promise((resolve) => {
      const parts: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (v: Buffer | undefined): void => {
        if (settled) return;
        settled = true;
        resolve(v);
      };
      req.on('data', (c: Buffer) => {
        if (settled) return;
        size += c.byteLength;
        if (size > max) return settle(refuse());
        parts.push(c);
      });
      req.on('end', () => settle(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
      req.on('error', () => settle(undefined)); // the client went away while sending
      req.on('close', () => settle(undefined));
    });
  }

  private count(status: string, route: string | undefined, judged: boolean): void {
    const j = String(judged && route !== undefined);
    this.sink.count(`calls|${status}|${j}`, 'calls', { status_class: status, judged: j });
    if (status === 'refused') countUnjudged(this.sink, 'refused');
  }

  /** Stops taking calls; calls in flight may finish until `deadline` (epoch ms), then are cut. */
  async shutdown(deadline: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const left = (): number => Math.max(0, deadline - Date.now());
      await Promise.race([
        Promise.allSettled([...this.active]),
        new Promise((r) => setTimeout(r, left()).unref()),
      ]);
      for (const s of this.sockets) s.destroy();
      await Promise.race([closed, new Promise((r) => setTimeout(r, left()).unref())]);
    }
    await this.upstream?.dispatcher.destroy().catch(() => {});
  }
}
