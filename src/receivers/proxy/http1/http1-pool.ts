// SPDX-License-Identifier: Apache-2.0
// The proxy's client for one upstream origin, straight on `node:net` / `node:tls`: kept-alive
// HTTP/1.1 connections, one exchange at a time on each, the request head and body written in one
// go and the answer read by `ResponseParser`. It takes undici's `dispatch(options, handler)` shape
// so the forwarder drives it as it drives undici (which still carries calls through an HTTP(S)
// proxy). Why not undici here: in the bench, forwarding alone went from ~9,200 to ~14,600 calls
// per CPU-second and its added p50 from 0.56 to 0.26 ms (docs/performance.md, sixth pass).
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { peerTls } from '../../../http-call/peer-certificate.js';
import type { PeerTls } from '../../../http-call/peer-certificate.js';
import { ResponseParser } from './response-parser.js';
import type { ResponseHeaders } from './response-parser.js';

export interface Http1PoolOptions {
  /** TLS settings for an https: origin (CA, server name, verification). */
  tls?: Pick<ConnectionOptions, 'ca' | 'servername' | 'rejectUnauthorized'>;
  connectTimeoutMs: number;
  /** How long an idle connection is kept; below the usual servers' 5 s, as undici's 4 s. */
  keepAliveMs?: number;
  /** Age after which a connection is not reused (MAX_CONNECTION_AGE_MS). */
  maxAgeMs?: number;
  /** Hears of every connection established (TCP, and TLS for https:). */
  onConnected?: () => void;
}

/**
 * Age after which an upstream connection is not reused: what it read when it opened (the
 * certificate's days left, the address DNS gave) is then read again on the next one.
 */
export const MAX_CONNECTION_AGE_MS = 600_000;

/** The phases of opening a connection. */
export type ConnectPhase = 'dns' | 'connect' | 'tls';

/**
 * What opening a connection took (ms: DNS for a host name, TCP connect, the TLS handshake) and,
 * over TLS, what the server's certificate and protocol were (read once per connection).
 */
export interface OpenedConnection {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  tls?: PeerTls;
}

/**
 * What an exchange knows of its connection, beyond undici's controller (the forwarder reads it
 * as a probe reads its timed connector; undici's own controllers have none of it).
 */
export interface ConnectionFacts {
  /** The connection this exchange opened; absent on a kept-alive one. */
  readonly opened?: OpenedConnection;
  /** The phase the connection was in when the exchange failed, if it never connected. */
  readonly failedIn?: ConnectPhase;
}

/** An error with an undici-style code, so the forwarder tells timeouts and cuts apart. */
function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One kept-alive connection and the exchange it carries, if any. */
class Connection {
  exchange: Exchange | undefined;
  connected = false;
  /** Carried an exchange already: the next one finds it open. */
  used = false;
  /** Where opening it stands, until it is connected. */
  stage: ConnectPhase = 'connect';
  readonly opened: OpenedConnection = {};
  readonly openedAt = performance.now();
  constructor(
    readonly socket: Socket,
    /** Idle time allowed before the next exchange; lowered by the server's Keep-Alive hint. */
    public keepAliveMs: number,
  ) {}
}

/** One request/response on a connection; also its controller (abort, pause, resume). */
class Exchange implements Dispatcher.DispatchController, ConnectionFacts {
  private settled = false;
  private isPaused = false;
  private why: Error | null = null;
  private started = false;
  readonly parser: ResponseParser;

  constructor(
    private readonly pool: Http1Pool,
    readonly conn: Connection,
    private readonly handler: Dispatcher.DispatchHandler,
    head: boolean,
    readonly headersTimeoutMs: number,
    readonly bodyTimeoutMs: number,
    /** This exchange opened its connection. */
    private readonly openedIt: boolean,
  ) {
    this.parser = new ResponseParser(
      {
        head: (status, headers) => this.onHead(status, headers),
        data: (chunk) => {
          if (!this.settled) this.handler.onResponseData?.(this, chunk);
        },
        end: (reusable) => this.onEnd(reusable),
      },
      head,
    );
  }

  get aborted(): boolean {
    return this.why !== null;
  }
  get paused(): boolean {
    return this.isPaused;
  }
  get reason(): Error | null {
    return this.why;
  }
  get opened(): OpenedConnection | undefined {
    return this.openedIt ? this.conn.opened : undefined;
  }
  get failedIn(): ConnectPhase | undefined {
    return this.conn.connected ? undefined : this.conn.stage;
  }

  abort(reason: Error): void {
    if (this.settled) return;
    this.why = reason;
    this.fail(reason);
  }
  // While the client is slow the upstream's silence is ours: no body deadline then. After the end
  // the socket is the pool's (maybe another exchange's): a late pause or resume is ignored.
  pause(): void {
    if (this.settled) return;
    this.isPaused = true;
    this.conn.socket.pause();
    this.conn.socket.setTimeout(0);
  }
  resume(): void {
    if (this.settled) return;
    this.isPaused = false;
    this.conn.socket.resume();
    this.conn.socket.setTimeout(this.started ? this.bodyTimeoutMs : this.headersTimeoutMs);
  }

  /** The exchange failed: the connection is not reused, the handler hears once. */
  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.pool.discard(this.conn);
    this.handler.onResponseError?.(this, err);
  }

  private onHead(status: number, headers: ResponseHeaders): void {
    if (this.settled) return;
    this.started = true;
    this.conn.socket.setTimeout(this.bodyTimeoutMs);
    // `Keep-Alive: timeout=N`: the server closes after N s idle; a second's margin, as undici
    const hint = headers['keep-alive'];
    const m = typeof hint === 'string' ? /timeout=(\d+)/i.exec(hint) : null;
    if (m) this.conn.keepAliveMs = Math.min(this.conn.keepAliveMs, Number(m[1]) * 1000 - 1000);
    this.handler.onResponseStart?.(this, status, headers);
  }

  private onEnd(reusable: boolean): void {
    if (this.settled) return;
    this.settled = true;
    // answered before the whole request left (an early error): the server may read the rest as a request
    if (this.conn.socket.writableLength > 0) reusable = false;
    this.pool.release(this.conn, reusable);
    this.handler.onResponseEnd?.(this, {});
  }

  /** The socket went quiet for longer than this phase allows. */
  timedOut(): void {
    this.fail(
      this.started
        ? coded('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error')
        : coded('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'),
    );
  }

  /** The connection closed: the end of a close-delimited body, or a cut. */
  closed(err: Error | undefined): void {
    if (this.settled) return;
    if (!err && this.parser.closed()) return;
    this.fail(err ?? coded('UND_ERR_SOCKET', 'other side closed'));
  }
}

export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly secure: boolean;
  private readonly keepAliveMs: number;
  private readonly maxAgeMs: number;
  private destroyed = false;

  constructor(
    origin: URL,
    private readonly opts: Http1PoolOptions,
  ) {
    this.secure = origin.protocol === 'https:';
    this.host = origin.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(origin.port) || (this.secure ? 443 : 80);
    this.hostHeader = origin.host;
    this.keepAliveMs = opts.keepAliveMs ?? 4000;
    this.maxAgeMs = opts.maxAgeMs ?? MAX_CONNECTION_AGE_MS;
  }

  /** Sends one request; the handler hears of the answer exactly as undici's would. */
  dispatch(o: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // the forwarder's try/catch turns these into a 502
    if (this.destroyed) throw coded('UND_ERR_DESTROYED', 'The client is destroyed');
    if (/[\r\n\0 ]/.test(o.path)) throw coded('UND_ERR_INVALID_ARG', 'invalid request path');
    const method = o.method;
    const body = o.body as Buffer | undefined;
    let head = `${method} ${o.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    const h = o.headers as string[];
    for (let i = 0; i + 1 < h.length; i += 2) head += `${h[i]}: ${h[i + 1]}\r\n`;
    if (body !== undefined) head += `content-length: ${body.length}\r\n`;
    head += '\r\n';
    const conn = this.take();
    const ex = new Exchange(
      this,
      conn,
      handler,
      method === 'HEAD',
      o.headersTimeout ?? 300_000,
      o.bodyTimeout ?? 300_000,
      !conn.used,
    );
    conn.used = true;
    conn.exchange = ex;
    handler.onRequestStart?.(ex, {});
    if (ex.aborted) return true;
    const s = conn.socket;
    // the connect phase has its own deadline (set when the socket was made); then the headers'
    if (conn.connected) s.setTimeout(ex.headersTimeoutMs);
    s.resume();
    // one write: the head and a small body leave in one segment
    if (body === undefined || body.length === 0) s.write(head, 'latin1');
    else if (body.length < 16 * 1024) s.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    else {
      s.cork();
      s.write(head, 'latin1');
      s.write(body);
      s.uncork();
    }
    return true;
  }

  /** An idle connection (the most recently used: its TCP state is warmest), or a new one. */
  private take(): Connection {
    const oldest = performance.now() - this.maxAgeMs;
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.openedAt < oldest) this.discard(c);
      else if (!c.socket.destroyed && c.socket.writable && !c.socket.readableEnded) return c;
    }
    return this.open();
  }

  private open(): Connection {
    const tls = this.opts.tls;
    const socket = this.secure
      ? tlsConnect({
          host: this.host,
          port: this.port,
          ca: tls?.ca,
          rejectUnauthorized: tls?.rejectUnauthorized ?? true,
          // SNI names a host, never an address (RFC 6066)
          servername: tls?.servername || (isIP(this.host) ? undefined : this.host),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    const conn = new Connection(socket, this.keepAliveMs);
    this.all.add(conn);
    socket.setTimeout(this.opts.connectTimeoutMs);
    this.timePhases(conn);
    socket.once(this.secure ? 'secureConnect' : 'connect', () => {
      conn.connected = true;
      const ex = conn.exchange;
      socket.setTimeout(ex ? ex.headersTimeoutMs : this.keepAliveMs);
      this.opts.onConnected?.();
    });
    socket.on('data', (d: Buffer) => {
      const ex = conn.exchange;
      if (!ex) return this.discard(conn); // an idle connection that speaks: never reuse it
      try {
        ex.parser.feed(d);
      } catch (err) {
        ex.fail(err as Error);
      }
    });
    socket.on('timeout', () => {
      const ex = conn.exchange;
      if (!ex) return this.discard(conn);
      if (!conn.connected) ex.fail(coded('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'));
      else ex.timedOut();
    });
    socket.on('error', (err) => conn.exchange?.closed(err));
    socket.on('close', () => {
      this.all.delete(conn);
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
      conn.exchange?.closed(undefined);
    });
    return conn;
  }

  /** Times each phase of opening `conn` as a probe's connector does (a host name is looked up first). */
  private timePhases(conn: Connection): void {
    const socket = conn.socket;
    const opened = conn.opened;
    let at = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const ms = now - at;
      at = now;
      return ms;
    };
    if (isIP(this.host) === 0) {
      conn.stage = 'dns';
      // with several addresses Node tells of each: the first ends the lookup
      socket.once('lookup', (err: Error | null) => {
        if (err) return;
        opened.dnsMs = lap();
        conn.stage = 'connect';
      });
    }
    socket.once('connect', () => {
      opened.connectMs = lap();
      if (this.secure) conn.stage = 'tls';
    });
    if (this.secure)
      socket.once('secureConnect', () => {
        opened.tlsMs = lap();
        opened.tls = peerTls(socket as TLSSocket);
      });
  }

  /** The exchange is over; the connection waits for the next one or closes. */
  release(conn: Connection, reusable: boolean): void {
    conn.exchange = undefined;
    if (!reusable || this.destroyed || conn.keepAliveMs <= 0) return this.discard(conn);
    conn.socket.setTimeout(conn.keepAliveMs);
    conn.socket.resume(); // paused for a slow client at the end: an idle socket must see a close
    this.idle.push(conn);
  }

  discard(conn: Connection): void {
    conn.exchange = undefined;
    conn.socket.destroy();
  }

  /** Closes every connection; exchanges still open fail with UND_ERR_DESTROYED. */
  destroy(): Promise<void> {
    this.destroyed = true;
    const err = coded('UND_ERR_DESTROYED', 'The client is destroyed');
    for (const c of [...this.all]) {
      c.exchange?.fail(err);
      c.socket.destroy();
    }
    this.idle.length = 0;
    return Promise.resolve();
  }
}
