// SPDX-License-Identifier: Apache-2.0
// undici's ProxyAgent (HTTP CONNECT tunnels through an HTTP(S) proxy), telling of each connection
// it opens. Through a tunnel the TLS session is still the client's with the upstream, so the
// upstream's certificate (days to expiry) and protocol can be read as on a direct connection;
// without this an egress proxy hid them and the certificate-expiry alert had nothing to read.
// A connection that fails is told apart as failing to open the tunnel (`connect`: reaching the
// proxy, its own TLS, its answer to CONNECT) or in the TLS handshake with the upstream through it
// (`tls`); a refusal has a code of its own (`proxy_refused`, `proxy_error`), not undici's
// "aborted". How long the tunnel took to open is the proxy's business and is not measured.
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Client, Pool, ProxyAgent } from 'undici';
import type { Dispatcher, buildConnector } from 'undici';
import { peerTls } from './peer-certificate.js';
import type { PeerTls } from './peer-certificate.js';

/** What a new tunnelled connection told: the upstream's TLS facts (none for an http: upstream). */
export interface TunnelOpened {
  tls?: PeerTls;
}

/** Why and where opening a connection through the proxy failed. */
export interface TunnelFailure {
  err: Error;
  phase: 'connect' | 'tls';
}

/** What the agent tells of the connections it opens. */
export interface TunnelEvents {
  opened?(o: TunnelOpened): void;
  failed?(f: TunnelFailure): void;
}

const kCall = Symbol('driftwatch.tunnelledCall');

/** One call through the agent: learns which connection's client carried it. */
export interface TunnelledCall {
  client?: TunnelClient;
}

/** A client of one tunnelled connection at a time (undici opens a new one when it closes). */
class TunnelClient extends Client {
  /** The facts of the connection opened last, until a call claims them. */
  unclaimed?: TunnelOpened;
  /** Why opening its last connection failed, until one opens. */
  failure?: TunnelFailure;

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // the agents above copy the options with a spread, which keeps this symbol key
    const call = (opts as { [kCall]?: TunnelledCall })[kCall];
    if (call) call.client = this;
    return super.dispatch(opts, handler);
  }
}

/**
 * `opts` marked so that `claimOpened(call)` can later tell whether the call opened its
 * connection. undici hands a call to a connection's client before that connects, and the
 * client carries one call at a time: the first call to claim a connection's facts is the one
 * it was opened for (or, when that one did not ask, the next).
 */
export function markCall(opts: Dispatcher.DispatchOptions, call: TunnelledCall): Dispatcher.DispatchOptions {
  return { ...opts, [kCall]: call } as Dispatcher.DispatchOptions;
}

/** The facts of the connection `call` went over, if no call claimed them before. */
export function claimOpened(call: TunnelledCall): TunnelOpened | undefined {
  const c = call.client;
  const opened = c?.unclaimed;
  if (c) c.unclaimed = undefined;
  return opened;
}

/** Why the connection `call` was to go over failed to open, if it did. */
export function openingFailure(call: TunnelledCall): TunnelFailure | undefined {
  return call.client?.failure;
}

const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

// undici's RequestAbortedError when the proxy answers CONNECT with anything but 200
const REFUSED = /^Proxy response \((\d{3})\) !== 200/;

/**
 * What went wrong, named for the operator: the proxy's answer to CONNECT; a failure before the
 * tunnel opened, said to be the proxy's (its TLS, its silence); else the upstream's handshake.
 */
function failure(
  err: Error,
  beforeTunnel: boolean,
  https: boolean,
  target: string,
  timeoutMs: number,
): TunnelFailure {
  const refused = REFUSED.exec(err.message);
  if (refused) {
    const status = Number(refused[1]);
    const code = status >= 400 && status < 500 ? 'proxy_refused' : 'proxy_error';
    return {
      err: coded(code, `the HTTP(S) proxy answered ${status} to CONNECT ${target}`),
      phase: 'connect',
    };
  }
  if (!beforeTunnel) return { err, phase: https ? 'tls' : 'connect' };
  const code = (err as { code?: string }).code ?? 'ERR';
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return {
      err: coded(
        'UND_ERR_CONNECT_TIMEOUT',
        `the HTTP(S) proxy did not answer CONNECT ${target} within ${timeoutMs} ms`,
      ),
      phase: 'connect',
    };
  return { err: coded(code, `the HTTP(S) proxy: ${err.message}`), phase: 'connect' };
}

/**
 * A ProxyAgent that tells `events` of each connection it establishes or fails to. `connectTimeout`
 * bounds reaching the proxy, its answer to CONNECT and the TLS handshake through the tunnel
 * (undici's own applies to none of them when the connector is the agent's).
 */
export function tunnelAgent(options: ProxyAgent.Options, events: TunnelEvents = {}): ProxyAgent {
  const timeoutMs = options.connectTimeout ?? 10_000;
  // errors of the client that speaks to the proxy: reaching it, or its answer to CONNECT
  const beforeTunnel = new WeakSet<object>();
  const toProxy = (origin: URL | string, opts: object): Dispatcher => {
    // undici names an https: proxy reached by address with that address for SNI, which RFC 6066
    // forbids and Node.js 26 refuses (ERR_INVALID_ARG_VALUE): no name then, as for an upstream
    const connect = (opts as { connect: buildConnector.connector }).connect;
    const pool = new Pool(origin, {
      ...opts,
      connect: (o, callback) =>
        connect(o.servername && isIP(o.servername) ? { ...o, servername: undefined } : o, callback),
      headersTimeout: timeoutMs,
    });
    const tunnel = pool.connect.bind(pool) as (
      o: Dispatcher.ConnectOptions,
    ) => Promise<Dispatcher.ConnectData>;
    (pool as { connect: unknown }).connect = (o: Dispatcher.ConnectOptions) =>
      tunnel(o).catch((err: Error) => {
        beforeTunnel.add(err);
        throw err;
      });
    return pool;
  };
  const client = (origin: URL | string, opts: object): Client => {
    const connect = (opts as { connect: buildConnector.connector }).connect;
    const c: TunnelClient = new TunnelClient(origin, {
      ...opts,
      connect: (o, callback) =>
        connect(o, (err, socket) => {
          const https = o.protocol === 'https:';
          if (socket) {
            // an http: upstream's socket behind an https: proxy is the proxy's TLS: not the upstream's
            const opened: TunnelOpened = https ? { tls: peerTls(socket as TLSSocket) } : {};
            c.failure = undefined;
            c.unclaimed = opened;
            events.opened?.(opened);
            return callback(null, socket);
          }
          // undici wraps a proxy certificate's name mismatch in an error of its own
          const before = beforeTunnel.has(err!) || beforeTunnel.has((err as { cause?: object }).cause ?? {});
          const f = failure(err!, before, https, `${o.hostname}:${o.port}`, timeoutMs);
          c.failure = f;
          events.failed?.(f);
          callback(f.err, null);
        }),
    });
    return c;
  };
  return new ProxyAgent({
    ...options,
    proxyTls: { ...options.proxyTls, timeout: timeoutMs },
    // a resumed TLS session shows no peer certificate: every tunnel's handshake is a full one
    requestTls: { ...options.requestTls, timeout: timeoutMs, maxCachedSessions: 0 },
    clientFactory: toProxy,
    // undici's own default, with our client for each connection
    factory: (origin, opts) =>
      (opts as { connections?: number }).connections === 1
        ? client(origin, opts)
        : new Pool(origin, { ...opts, factory: client }),
  });
}
