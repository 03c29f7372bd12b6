// SPDX-License-Identifier: Apache-2.0
// A custom undici connector that times each connection phase itself: DNS (dns.lookup), TCP
// connect and the TLS handshake, and reads the peer certificate's days to expiry. TLS
// verification stays on: the handshake runs with `rejectUnauthorized: false` only so that the
// certificate can be inspected (expiry is worth recording even when it fails); the chain and the
// host name are then verified here, and a failing socket is destroyed before undici ever
// writes a byte (so no credentials reach an unverified peer).
import { lookup, Resolver } from 'node:dns';
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import { peerTls } from '../../http-call/peer-certificate.js';
import { skipInterimContinue } from './interim-responses.js';

export type LookupFn = (
  host: string,
  cb: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
) => void;

/** A lookup through specific DNS servers (the `dns_servers` option) instead of the system resolver. */
export function resolverLookup(servers: string[]): LookupFn {
  const r = new Resolver({ timeout: 3000, tries: 2 });
  r.setServers(servers);
  return (host, cb) => {
    r.resolve4(host, (err4, a4) => {
      if (!err4 && a4.length > 0) return cb(null, a4[0], 4);
      r.resolve6(host, (err6, a6) => {
        if (!err6 && a6.length > 0) return cb(null, a6[0], 6);
        cb(err4 ?? err6, '', 0);
      });
    });
  };
}

export type ConnectPhase = 'dns' | 'connect' | 'tls';

/** What one connection attempt measured. Filled in as the phases complete. */
export interface ConnectTimes {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  certDaysLeft?: number;
  tlsProtocol?: string;
  /** Phase the connection failed in, with the original error code. */
  failure?: { phase: ConnectPhase; code: string; message: string };
  /** Set once the connector has handed a socket to undici. */
  connected?: boolean;
}

export interface TimedConnectOptions {
  ca?: string | Buffer;
  /** SNI / verification name override. */
  serverName?: string;
  timeoutMs: number;
  /** Name resolution; defaults to dns.lookup (the system resolver, /etc/hosts included). */
  lookup?: LookupFn;
  /** Called for every new connection; the probe hands in its own ConnectTimes. */
  times: () => ConnectTimes;
}

class ConnectFailure extends Error {
  constructor(
    readonly code: string,
    readonly phase: ConnectPhase,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectFailure';
  }
}

export function timedConnector(opts: TimedConnectOptions): buildConnector.connector {
  return (o, callback) => {
    const t = opts.times();
    const https = o.protocol === 'https:';
    const port = Number(o.port) || (https ? 443 : 80);
    const host = o.hostname.startsWith('[') ? o.hostname.slice(1, -1) : o.hostname;
    let done = false;
    let socket: Socket | undefined;
    const finish = (err: ConnectFailure | null, s?: Socket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        t.failure = { phase: err.phase, code: err.code, message: err.message };
        socket?.destroy();
        callback(err, null);
      } else {
        t.connected = true;
        skipInterimContinue(s!);
        callback(null, s!);
      }
    };
    let phase: ConnectPhase = 'dns';
    const timer = setTimeout(
      () => finish(new ConnectFailure('connect_timeout', phase, `connect timed out during ${phase}`)),
      opts.timeoutMs,
    );
    timer.unref();
    const fail = (p: ConnectPhase) => (e: NodeJS.ErrnoException) =>
      finish(new ConnectFailure(e.code ?? 'ERR', p, e.message));

    const tcp = (address: string, family: number) => {
      phase = 'connect';
      const start = performance.now();
      const s = netConnect({ host: address, port, family });
      socket = s;
      s.setNoDelay(true);
      s.once('error', fail('connect'));
      s.once('connect', () => {
        t.connectMs = performance.now() - start;
        s.removeAllListeners('error');
        if (!https) {
          s.once('error', () => {});
          finish(null, s);
        } else handshake(s);
      });
    };

    const handshake = (raw: Socket) => {
      phase = 'tls';
      const start = performance.now();
      const name = opts.serverName || o.servername || (isIP(host) ? undefined : host);
      const s: TLSSocket = tlsConnect({
        socket: raw,
        servername: name,
        ca: opts.ca,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      socket = s;
      s.once('error', fail('tls'));
      s.once('secureConnect', () => {
        t.tlsMs = performance.now() - start;
        // read even when verification fails: the expiry is worth recording either way
        const peer = peerTls(s);
        t.tlsProtocol = peer.protocol;
        t.certDaysLeft = peer.certDaysLeft;
        const cert = s.getPeerCertificate();
        if (!s.authorized) {
          const ae = s.authorizationError as unknown as (Error & { code?: string }) | string | null;
          const code = typeof ae === 'string' ? ae : (ae?.code ?? 'TLS');
          return finish(new ConnectFailure(code, 'tls', typeof ae === 'string' ? ae : (ae?.message ?? code)));
        }
        const idErr = checkServerIdentity(name ?? host, cert) as (Error & { code?: string }) | undefined;
        if (idErr)
          return finish(
            new ConnectFailure(idErr.code ?? 'ERR_TLS_CERT_ALTNAME_INVALID', 'tls', idErr.message),
          );
        s.removeAllListeners('error');
        s.once('error', () => {});
        finish(null, s);
      });
    };

    const family = isIP(host);
    if (family !== 0) return tcp(host, family);
    const start = performance.now();
    (opts.lookup ?? lookup)(host, (err, address, fam) => {
      t.dnsMs = performance.now() - start;
      if (err) return fail('dns')(err);
      tcp(address, fam);
    });
  };
}
