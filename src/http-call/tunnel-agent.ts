// SPDX-License-Identifier: Apache-2.0
// undici's ProxyAgent (HTTP CONNECT tunnels through an HTTP(S) proxy), telling of each connection
// it opens. Through a tunnel the TLS session is still the client's with the upstream, so the
// upstream's certificate (days to expiry) and protocol can be read as on a direct connection;
// without this an egress proxy hid them and the certificate-expiry alert had nothing to read.
// How long the tunnel took to open is the proxy's business and is not measured; a tunnel the proxy
// refused is told by a code of its own (`proxy_refused`, `proxy_error`), not as undici's "aborted".
import type { TLSSocket } from 'node:tls';
import { Client, Pool, ProxyAgent } from 'undici';
import type { Dispatcher, buildConnector } from 'undici';
import { peerTls } from './peer-certificate.js';
import type { PeerTls } from './peer-certificate.js';

/** What a new tunnelled connection told: the upstream's TLS facts (none for an http: upstream). */
export interface TunnelOpened {
  tls?: PeerTls;
}

/** What the agent tells of the connections it opens. */
export interface TunnelEvents {
  opened?(o: TunnelOpened): void;
  failed?(err: Error): void;
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
  failure?: Error;

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
 * it was opened for (or, when that one failed first, the next).
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
export function openingFailure(call: TunnelledCall): Error | undefined {
  return call.client?.failure;
}

// undici's RequestAbortedError when the proxy answers CONNECT with anything but 200
const REFUSED = /^Proxy response \((\d{3})\) !== 200/;

/** The proxy's own answer to CONNECT, under a code that says so (4xx: policy or credentials). */
function tunnelRefusal(err: Error, target: string): Error {
  const m = REFUSED.exec(err.message);
  if (!m) return err;
  const status = Number(m[1]);
  return Object.assign(new Error(`the HTTP(S) proxy answered ${status} to CONNECT ${target}`), {
    code: status >= 400 && status < 500 ? 'proxy_refused' : 'proxy_error',
  });
}

/** A ProxyAgent that tells `events` of each connection it establishes or fails to. */
export function tunnelAgent(options: ProxyAgent.Options, events: TunnelEvents = {}): ProxyAgent {
  const client = (origin: URL | string, opts: object): Client => {
    const connect = (opts as { connect: buildConnector.connector }).connect;
    const c: TunnelClient = new TunnelClient(origin, {
      ...opts,
      connect: (o, callback) =>
        connect(o, (err, socket) => {
          if (socket) {
            const opened: TunnelOpened =
              'getPeerCertificate' in socket ? { tls: peerTls(socket as TLSSocket) } : {};
            c.failure = undefined;
            c.unclaimed = opened;
            events.opened?.(opened);
            return callback(null, socket);
          }
          const failure = tunnelRefusal(err!, `${o.hostname}:${o.port}`);
          c.failure = failure;
          events.failed?.(failure);
          callback(failure, null);
        }),
    });
    return c;
  };
  return new ProxyAgent({
    ...options,
    // undici's own default, with our client for each connection
    factory: (origin, opts) =>
      (opts as { connections?: number }).connections === 1
        ? client(origin, opts)
        : new Pool(origin, { ...opts, factory: client }),
  });
}
