// SPDX-License-Identifier: Apache-2.0
// Resolves the effective transport settings per signal: config first, then the standard
// OTEL_EXPORTER_OTLP_{TRACES_,METRICS_,LOGS_}* variables (signal-specific before generic), then
// the defaults. URL, headers, timeout, compression and certificates are resolved by
// @opentelemetry/otlp-exporter-base's own configuration code (the same the SDK exporters use),
// so driftwatch reads the variables exactly as every OpenTelemetry JS exporter does; the
// protocol (which that code leaves to each exporter) and the Collector spellings are ours.
import { readFileSync } from 'node:fs';
import type { Agent as HttpsAgent } from 'node:https';
import {
  convertLegacyHttpOptions,
  getSharedConfigurationFromEnvironment,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { ConfigError } from '../../component/errors.js';
import { AGENT_VERSION } from '../../util/agent-version.js';
import type { OtlpHttpConfig } from './config.js';

import { ENV_SIGNAL, envValue, resolveProtocol } from '../../util/otel-sdk-env.js';
import type { Env, Protocol, Signal } from '../../util/otel-sdk-env.js';

export type { Protocol, Signal } from '../../util/otel-sdk-env.js';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

export interface SignalTransport {
  url: string;
  protocol: Protocol;
  gzip: boolean;
  headers: Record<string, string>;
  timeoutMs: number;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export interface Transport {
  signals: Record<Signal, SignalTransport>;
  /** proxy_url from the config; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY decide. */
  proxyUrl: string;
  proxyEnv: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
  userAgent: string;
}

/** The User-Agent of every OTLP request (the OTLP exporter spec asks exporters to send one). */
export const USER_AGENT = `driftwatch/${AGENT_VERSION} (otlp_http; Node.js ${process.versions.node})`;

/** Problems of the OTLP settings a user can fix (config and variables): `validate` reports them. */
export function transportProblems(
  c: OtlpHttpConfig,
  env: Env = process.env,
): Array<{ key: string; problem: string }> {
  const out: Array<{ key: string; problem: string }> = [];
  const seen = new Set<string>();
  for (const s of SIGNALS) {
    if (!c[s].enabled) continue;
    const p = resolveProtocol(c, s, env);
    if ('problem' in p && !seen.has(p.problem)) {
      seen.add(p.problem);
      out.push(p);
    }
  }
  // URLs (endpoint, *_endpoint, proxy_url) are checked by the loader (config/checks.ts)
  return out;
}

function file(p: string): Buffer | undefined {
  return p ? readFileSync(p) : undefined;
}

async function resolveSignal(c: OtlpHttpConfig, signal: Signal, env: Env): Promise<SignalTransport> {
  const resolvedProtocol = resolveProtocol(c, signal, env);
  // A signal that is off sends nothing, so its protocol variable cannot stop the start
  // (validate, transportProblems above, skips it too); it keeps the default in the transport.
  if ('problem' in resolvedProtocol && c[signal].enabled)
    throw new ConfigError([`otlp_http: ${resolvedProtocol.problem}`]);
  const p = 'problem' in resolvedProtocol ? { protocol: 'http/protobuf' as const } : resolvedProtocol;
  const configuredUrl =
    c[`${signal}_endpoint`] || (c.endpoint ? `${c.endpoint.replace(/\/+$/, '')}/v1/${signal}` : undefined);
  const timeoutMs = c.timeout;
  const tlsFromConfig = c.tls.ca_file || c.tls.cert_file || c.tls.key_file;
  // The package's resolution: config (user) > signal variable > generic variable > default.
  const resolved = convertLegacyHttpOptions(
    {
      url: configuredUrl,
      headers: Object.keys(c.headers).length > 0 ? c.headers : undefined,
      timeoutMillis: timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined,
      compression: c.compression === '' ? undefined : (c.compression as never),
      httpAgentOptions: tlsFromConfig
        ? { ca: file(c.tls.ca_file), cert: file(c.tls.cert_file), key: file(c.tls.key_file) }
        : undefined,
    },
    ENV_SIGNAL[signal],
    `v1/${signal}`,
    {},
  );
  const agent = (await resolved.agentFactory('https:')) as HttpsAgent;
  const { ca, cert, key } = agent.options;
  agent.destroy();
  // The Collector sends gzip unless told otherwise; the SDK default ('none') applies only when asked.
  const compressionSet =
    c.compression !== '' || getSharedConfigurationFromEnvironment(ENV_SIGNAL[signal]).compression;
  return {
    url: resolved.url,
    protocol: p.protocol,
    gzip: compressionSet ? resolved.compression === 'gzip' : true,
    headers: await resolved.headers(),
    timeoutMs: resolved.timeoutMillis,
    tls: { ca: ca as Buffer | undefined, cert: cert as Buffer | undefined, key: key as Buffer | undefined },
  };
}

export async function resolveTransport(c: OtlpHttpConfig, env: Env = process.env): Promise<Transport> {
  const [traces, metrics, logs] = await Promise.all(SIGNALS.map((s) => resolveSignal(c, s, env)));
  return {
    signals: { traces, metrics, logs },
    proxyUrl: c.proxy_url,
    proxyEnv: {
      httpProxy: envValue(env, 'HTTP_PROXY') ?? envValue(env, 'http_proxy'),
      httpsProxy: envValue(env, 'HTTPS_PROXY') ?? envValue(env, 'https_proxy'),
      noProxy: envValue(env, 'NO_PROXY') ?? envValue(env, 'no_proxy'),
    },
    userAgent: USER_AGENT,
  };
}
