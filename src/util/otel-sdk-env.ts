// SPDX-License-Identifier: Apache-2.0
// The general SDK variables of the OpenTelemetry specification (OTEL_SDK_DISABLED,
// OTEL_{TRACES,METRICS,LOGS}_EXPORTER, OTEL_METRIC_EXPORT_*, the temporality preference), read
// once with the SDK's own parsers from @opentelemetry/core so they mean what they mean to every
// OpenTelemetry JS program, and the protocol choice per signal. Used by otlp_http and by
// service.telemetry.
import { getBooleanFromEnv, getNumberFromEnv, getStringListFromEnv } from '@opentelemetry/core';

/** The three OTLP signals. */
export type Signal = 'traces' | 'metrics' | 'logs';
export type Protocol = 'http/protobuf' | 'http/json';

export type Temporality = 'cumulative' | 'delta' | 'lowmemory';

const EXPORTER_VAR: Record<Signal, string> = {
  traces: 'OTEL_TRACES_EXPORTER',
  metrics: 'OTEL_METRICS_EXPORTER',
  logs: 'OTEL_LOGS_EXPORTER',
};

/** OTEL_SDK_DISABLED=true: no signal is exported over OTLP (the /metrics pull stays). */
export function sdkDisabled(): boolean {
  return getBooleanFromEnv('OTEL_SDK_DISABLED');
}

/** The reason a signal is switched off by the environment, or undefined when it is not. */
export function signalOffByEnv(signal: Signal): string | undefined {
  if (sdkDisabled()) return 'OTEL_SDK_DISABLED=true';
  const list = getStringListFromEnv(EXPORTER_VAR[signal]);
  if (list && list.length > 0 && list.every((v) => v === 'none')) return `${EXPORTER_VAR[signal]}=none`;
  return undefined;
}

/** A positive number of milliseconds from a variable, else undefined (the SDK ignores bad values too). */
function positiveMs(name: string): number | undefined {
  const n = getNumberFromEnv(name);
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** OTEL_METRIC_EXPORT_INTERVAL (ms). */
export function metricExportIntervalMs(): number | undefined {
  return positiveMs('OTEL_METRIC_EXPORT_INTERVAL');
}

/** OTEL_METRIC_EXPORT_TIMEOUT (ms). */
export function metricExportTimeoutMs(): number | undefined {
  return positiveMs('OTEL_METRIC_EXPORT_TIMEOUT');
}

/** OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (case-insensitive), else undefined. */
export function temporalityPreference(): Temporality | undefined {
  const v = process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE?.trim().toLowerCase();
  return v === 'cumulative' || v === 'delta' || v === 'lowmemory' ? v : undefined;
}

export type Env = Record<string, string | undefined>;

export const ENV_SIGNAL: Record<Signal, string> = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' };

export function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** OTEL_EXPORTER_OTLP_{SIGNAL}_{suffix}, else OTEL_EXPORTER_OTLP_{suffix}: the value and the variable it came from. */
export function signalEnv(
  env: Env,
  signal: Signal,
  suffix: string,
): { value: string; name: string } | undefined {
  for (const name of [`OTEL_EXPORTER_OTLP_${ENV_SIGNAL[signal]}_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
    const value = envValue(env, name);
    if (value !== undefined) return { value, name };
  }
  return undefined;
}

const ENCODING: Record<string, Protocol> = { proto: 'http/protobuf', json: 'http/json' };

/**
 * The protocol of one signal, or a problem a user can act on. `grpc` is refused: this exporter
 * speaks OTLP/HTTP, and a silent switch of transport (or port) would lose data.
 */
export function resolveProtocol(
  c: { protocol: '' | Protocol; encoding: '' | 'proto' | 'json' },
  signal: Signal,
  env: Env = process.env,
): { protocol: Protocol } | { problem: string; key: string } {
  if (c.protocol && c.encoding && ENCODING[c.encoding] !== c.protocol)
    return {
      key: 'encoding',
      problem: `encoding "${c.encoding}" contradicts protocol "${c.protocol}"; set one of them`,
    };
  if (c.protocol) return { protocol: c.protocol };
  if (c.encoding) return { protocol: ENCODING[c.encoding] };
  const e = signalEnv(env, signal, 'PROTOCOL');
  if (!e) return { protocol: 'http/protobuf' };
  if (e.value === 'http/protobuf' || e.value === 'http/json') return { protocol: e.value };
  if (e.value === 'grpc')
    return {
      key: 'protocol',
      problem:
        `${e.name}=grpc, but otlp_http sends OTLP/HTTP only (http/protobuf or http/json, port 4318). ` +
        `Point it at the OTLP/HTTP receiver and set \`protocol: http/protobuf\` on the exporter ` +
        `(config wins over the variable), or unset ${e.name}.`,
    };
  return {
    key: 'protocol',
    problem: `${e.name}="${e.value}" is not an OTLP protocol (http/protobuf, http/json or grpc)`,
  };
}
