// SPDX-License-Identifier: Apache-2.0
// Resolves the effective transport settings: config first, then the standard
// OTEL_EXPORTER_OTLP_* variables (signal-specific before generic), then the spec defaults.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../component/errors.js';
import { parseDurationMs } from '../../util/duration.js';
import type { OtlpHttpConfig } from './config.js';

export type Signal = 'traces' | 'metrics' | 'logs';

export interface Transport {
  urls: Record<Signal, string>;
  protocol: 'http/protobuf' | 'http/json';
  gzip: boolean;
  headers: Record<string, string>;
  timeoutMs: number;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

type Env = Record<string, string | undefined>;

function pick(env: Env, signal: Signal | undefined, suffix: string): string | undefined {
  const specific = signal ? env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${suffix}`] : undefined;
  const v = specific ?? env[`OTEL_EXPORTER_OTLP_${suffix}`];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** `k1=v1,k2=v2` with URL-encoded values (the OTEL_EXPORTER_OTLP_HEADERS format). */
export function parseHeaderList(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (raw ?? '').split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

function signalUrl(base: string, signal: Signal): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

export function resolveTransport(c: OtlpHttpConfig, env: Env = process.env): Transport {
  const base = c.endpoint || pick(env, undefined, 'ENDPOINT') || 'http://localhost:4318';
  const url = (s: Signal): string => {
    const configured = c[`${s}_endpoint`];
    if (configured) return configured;
    if (!c.endpoint) {
      const specific = env[`OTEL_EXPORTER_OTLP_${s.toUpperCase()}_ENDPOINT`];
      if (specific && specific.trim()) return specific.trim();
    }
    return signalUrl(base, s);
  };
  const protocol = (c.protocol ||
    pick(env, undefined, 'PROTOCOL') ||
    'http/protobuf') as Transport['protocol'];
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    throw new ConfigError([
      `otlp_http: protocol "${String(protocol)}" is not supported (use http/protobuf or http/json)`,
    ]);
  const compression = c.compression || pick(env, undefined, 'COMPRESSION') || 'gzip';
  const envTimeout = pick(env, undefined, 'TIMEOUT');
  const timeoutMs =
    (c.timeout !== '' ? parseDurationMs(c.timeout) : undefined) ??
    (envTimeout !== undefined ? Number(envTimeout) : undefined) ??
    10_000;
  const file = (p: string | undefined): Buffer | undefined => (p ? readFileSync(p) : undefined);
  return {
    urls: { traces: url('traces'), metrics: url('metrics'), logs: url('logs') },
    protocol,
    gzip: compression === 'gzip',
    headers: { ...parseHeaderList(pick(env, undefined, 'HEADERS')), ...c.headers },
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 10_000,
    tls: {
      ca: file(c.tls.ca_file || pick(env, undefined, 'CERTIFICATE')),
      cert: file(c.tls.cert_file || pick(env, undefined, 'CLIENT_CERTIFICATE')),
      key: file(c.tls.key_file || pick(env, undefined, 'CLIENT_KEY')),
    },
  };
}
