// SPDX-License-Identifier: Apache-2.0
// The connection pool to the upstream: kept-alive connections, certificate verification on
// (extra CAs added to the system roots, never replacing them), and an HTTP(S) proxy when one is
// configured or named by HTTPS_PROXY / HTTP_PROXY (NO_PROXY honoured, as the probe does it).
// Direct connections go through the proxy's own HTTP/1.1 pool (`http1/`: less CPU per call than
// undici, docs/performance.md sixth pass); through an HTTP(S) proxy, undici's ProxyAgent (CONNECT,
// `tunnelled-upstream.ts`).
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { proxyFor } from '../../http-call/proxy-env.js';
import type { ProxyReceiverConfig } from './config.js';
import { Http1Pool, MAX_CONNECTION_AGE_MS } from './http1/http1-pool.js';
import { TunnelledUpstream } from './tunnelled-upstream.js';

/** What the forwarder needs of a client: undici's dispatch, and a way to close it. */
export interface UpstreamClient {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  destroy(): Promise<void>;
}

export interface Upstream {
  dispatcher: UpstreamClient;
  /** Through an HTTP(S) proxy. */
  proxied: boolean;
}

export function upstreamDispatcher(
  cfg: ProxyReceiverConfig,
  origin: URL,
  connectTimeoutMs: number,
  env: NodeJS.ProcessEnv,
  /** Hears of each connection established to the upstream (or tunnelled to it through a proxy). */
  onConnected?: () => void,
): Upstream {
  const extraCa = cfg.tls.ca_file ? readFileSync(cfg.tls.ca_file, 'utf8') : undefined;
  const tls = {
    ca: extraCa ? [...rootCertificates, extraCa] : undefined,
    servername: cfg.tls.server_name || undefined,
    rejectUnauthorized: !cfg.tls.insecure_skip_verify,
  };
  const via = proxyFor({ origin, proxy: cfg.proxy, env });
  if (via) {
    return {
      dispatcher: new TunnelledUpstream(
        {
          uri: via,
          requestTls: tls,
          proxyTls: { ca: tls.ca },
          connectTimeout: connectTimeoutMs,
          // a tunnel is retired as the pool's connections are, for the same reason
          clientTtl: MAX_CONNECTION_AGE_MS,
        },
        onConnected,
      ),
      proxied: true,
    };
  }
  return { dispatcher: new Http1Pool(origin, { tls, connectTimeoutMs, onConnected }), proxied: false };
}
