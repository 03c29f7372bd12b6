// SPDX-License-Identifier: Apache-2.0
// Test harness for the otlp_http exporter: fast retry settings and an observed instance.
import { newContext } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import type { OtlpHttpConfig } from '../exporters/otlp-http/config.js';
import { otlpHttpExporterFactory } from '../exporters/otlp-http/index.js';
import { OtlpHttpExporter } from '../exporters/otlp-http/otlp-http-exporter.js';
import { observeExporter } from '../pipeline/observed.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import type { Logger } from '../telemetry/logger.js';
import { testSettings } from './nop-host.js';

export function fastConfig(endpoint: string, over: Partial<OtlpHttpConfig> = {}): OtlpHttpConfig {
  const d = otlpHttpExporterFactory.createDefaultConfig();
  return {
    ...d,
    endpoint,
    timeout: 2000,
    retry_on_failure: {
      ...d.retry_on_failure,
      initial_interval: 20,
      max_interval: 50,
      max_elapsed_time: 3000,
    },
    metrics: { ...d.metrics, export_interval: 3_600_000 },
    ...over,
  };
}

export function makeExporter(
  cfg: OtlpHttpConfig,
  opts: { dataDir?: string; sensitive?: string[]; logger?: Logger } = {},
) {
  const metrics = new SelfMetrics();
  const settings = testSettings('exporter', 'otlp_http/test', { metrics, ...opts });
  const exporter = new OtlpHttpExporter(settings, cfg);
  const observed = observeExporter(exporter, settings.telemetry);
  return {
    exporter,
    metrics,
    consume: (b: CallRecord[]) => observed.consume(b, newContext()),
  };
}
