// SPDX-License-Identifier: Apache-2.0
// Hands each probe attempt a dispatcher: by default a fresh undici Client with the timed
// connector (so DNS, connect and TLS are measured every time), a kept-alive Client per probe when
// `keep_alive` is on, or a ProxyAgent when a proxy applies (HTTPS_PROXY / HTTP_PROXY / NO_PROXY,
// or the `proxy` option), fresh or kept per probe likewise. Through a proxy the phase timings
// before the first byte are the proxy's business and are not recorded; the upstream's certificate
// and TLS protocol are (the TLS session runs through the tunnel, end to end).
import { Client } from 'undici';
import type { Dispatcher, ProxyAgent } from 'undici';
import { proxyFor } from '../../http-call/proxy-env.js';
import { tunnelAgent } from '../../http-call/tunnel-agent.js';
import type { TunnelFailure, TunnelOpened } from '../../http-call/tunnel-agent.js';
import type { ConnectionLease } from './http-attempt.js';
import { resolverLookup, timedConnector } from './timed-connect.js';
import type { ConnectTimes, LookupFn } from './timed-connect.js';

export interface ConnectionOptions {
  origin: URL;
  ca?: string;
  serverName?: string;
  connectTimeoutMs: number;
  keepAlive: boolean;
  /** Explicit proxy URL; empty: from the environment. */
  proxy: string;
  env: NodeJS.ProcessEnv;
  /** DNS servers to ask instead of the system resolver (empty: system). */
  dnsServers: string[];
}

export class Connections {
  private readonly proxyUrl?: string;
  private readonly kept = new Map<string, { client: Dispatcher; times: ConnectTimes }>();
  private readonly lookup?: LookupFn;

  constructor(private readonly opts: ConnectionOptions) {
    this.proxyUrl = proxyFor(opts);
    if (opts.dnsServers.length > 0) this.lookup = resolverLookup(opts.dnsServers);
  }

  get proxied(): boolean {
    return this.proxyUrl !== undefined;
  }

  /** A dispatcher for one attempt of probe `key`. */
  lease(key: string): ConnectionLease {
    const times: ConnectTimes = {};
    if (this.opts.keepAlive) {
      let k = this.kept.get(key);
      if (!k) {
        const holder = { times } as { client: Dispatcher; times: ConnectTimes };
        holder.client = this.client(() => holder.times);
        k = holder;
        this.kept.set(key, k);
      }
      // A reused connection measures nothing before the first byte: fresh times per attempt.
      k.times = times;
      return { dispatcher: k.client, times, release: async () => {} };
    }
    const client = this.client(() => times);
    return {
      dispatcher: client,
      times,
      release: async () => {
        await client.destroy().catch(() => {});
      },
    };
  }

  private client(times: () => ConnectTimes): Dispatcher {
    if (this.proxyUrl) return this.tunnels(this.proxyUrl, times);
    return new Client(this.opts.origin.origin, {
      connect: timedConnector({
        ca: this.opts.ca,
        serverName: this.opts.serverName || undefined,
        timeoutMs: this.opts.connectTimeoutMs,
        lookup: this.lookup,
        times,
      }),
      pipelining: 1,
    });
  }

  /** Through the proxy: each new tunnel tells the attempt's times of the upstream's TLS. */
  private tunnels(uri: string, times: () => ConnectTimes): ProxyAgent {
    const opened = ({ tls }: TunnelOpened): void => {
      const t = times();
      t.connected = true;
      t.certDaysLeft = tls?.certDaysLeft;
      t.tlsProtocol = tls?.protocol;
    };
    const failed = ({ err, phase }: TunnelFailure): void => {
      const code = (err as { code?: string }).code ?? err.name;
      times().failure = {
        phase,
        code: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect_timeout' : code,
        message: err.message,
      };
    };
    const requestTls = { ca: this.opts.ca, servername: this.opts.serverName || undefined };
    return tunnelAgent({ uri, requestTls, connectTimeout: this.opts.connectTimeoutMs }, { opened, failed });
  }

  async close(): Promise<void> {
    const all = [...this.kept.values()].map((k) => k.client.destroy().catch(() => {}));
    this.kept.clear();
    await Promise.all(all);
  }
}
