// SPDX-License-Identifier: Apache-2.0
// The general SDK variables of the OpenTelemetry specification (OTEL_SDK_DISABLED,
// OTEL_{TRACES,METRICS,LOGS}_EXPORTER, OTEL_METRIC_EXPORT_*, the temporality preference), read
// once with the SDK's own parsers from @opentelemetry/core so they mean what they mean to every
// OpenTelemetry JS program. Used by otlp_http and by service.telemetry.
import { getBooleanFromEnv, getNumberFromEnv, getStringListFromEnv } from '@opentelemetry/core';
import type { Signal } from './endpoint.js';

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
