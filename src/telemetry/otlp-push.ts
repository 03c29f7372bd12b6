// SPDX-License-Identifier: Apache-2.0
// service.telemetry: pushes the agent's own metrics (the same registry /metrics renders) and,
// when asked, its own spans over OTLP through @opentelemetry/sdk-node, with the SDK's OTLP
// exporters (-otlp-proto for http/protobuf, -otlp-http for http/json). Everything a block leaves
// empty comes from the standard OTEL_* variables, which those exporters read themselves;
// OTEL_SDK_DISABLED=true makes the SDK a no-op.
import { ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { emptyResource } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AggregationTemporality,
  DataPointType,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { CollectionResult, MetricData, MetricProducer } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resolveProtocol } from '../util/otel-sdk-env.js';
import { telemetryProblems, wantsPush } from './telemetry-config.js';
import type { Signal } from '../util/otel-sdk-env.js';
import {
  metricExportIntervalMs,
  metricExportTimeoutMs,
  sdkDisabled,
  temporalityPreference,
} from '../util/otel-sdk-env.js';
import { AGENT_VERSION, buildResource, SCOPE_NAME } from '../signals/resource.js';
import type { Logger } from './logger.js';
import type { SelfMetrics } from './self-metrics.js';
import type { OtlpTarget, TelemetryConfig } from './telemetry-config.js';

/** The OTLP name of a self-metric: counters lose the Prometheus `_total` suffix (the translation adds it back). */
export function otlpSelfMetricName(name: string, type: 'counter' | 'gauge'): string {
  return type === 'counter' ? name.replace(/_total$/, '') : name;
}

function unitOf(name: string): string {
  if (/_seconds(_total)?$/.test(name)) return 's';
  if (/_bytes(_total)?$/.test(name)) return 'By';
  return '';
}

/** The self-metrics registry as an SDK MetricProducer: what /metrics shows, as OTLP data. */
export class SelfMetricsProducer implements MetricProducer {
  private readonly startTime = hrTime();
  constructor(private readonly metrics: SelfMetrics) {}

  async collect(): Promise<CollectionResult> {
    const now = hrTime();
    const out: MetricData[] = [];
    for (const f of this.metrics.snapshot()) {
      if (f.series.length === 0) continue;
      const descriptor = {
        name: otlpSelfMetricName(f.name, f.type),
        description: f.help,
        unit: unitOf(f.name),
        valueType: ValueType.DOUBLE,
      };
      const dataPoints = f.series.map((s) => ({
        attributes: s.labels,
        startTime: this.startTime,
        endTime: now,
        value: Number.isFinite(s.value) ? s.value : 0,
      }));
      out.push(
        f.type === 'counter'
          ? {
              descriptor,
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.SUM,
              isMonotonic: true,
              dataPoints,
            }
          : {
              descriptor,
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.GAUGE,
              dataPoints,
            },
      );
    }
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics: [{ scope: { name: SCOPE_NAME, version: AGENT_VERSION }, metrics: out }],
      },
      errors: [],
    };
  }
}

function headerMap(h: OtlpTarget['headers']): Record<string, string> | undefined {
  const m = Array.isArray(h) ? Object.fromEntries(h.map((x) => [x.name, x.value])) : h;
  return Object.keys(m).length > 0 ? m : undefined;
}

const TEMPORALITY = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
} as const;

/** Options the SDK exporters take; undefined fields are read from the OTEL_* variables by the SDK. */
function exporterOptions(t: OtlpTarget, signal: Signal) {
  // start() has refused problems (telemetryProblems) before any exporter is built
  const p = resolveProtocol({ protocol: t.protocol, encoding: '' }, signal);
  return {
    json: 'protocol' in p && p.protocol === 'http/json',
    options: {
      url: t.endpoint || undefined,
      headers: headerMap(t.headers),
      compression: (t.compression || undefined) as CompressionAlgorithm | undefined,
      timeoutMillis: t.timeout || undefined,
      userAgent: `driftwatch/${AGENT_VERSION}`,
    },
  };
}

export class TelemetryPush {
  private sdk?: NodeSDK;
  private readonly readers: PeriodicExportingMetricReader[] = [];

  constructor(
    private readonly config: TelemetryConfig,
    private readonly metrics: SelfMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const c = this.config;
    if (!wantsPush(c)) return;
    const problems = telemetryProblems(c);
    if (problems.length > 0) {
      // `validate` and the loader report these; the variables may have changed since (a reload)
      for (const p of problems)
        this.logger.error({ key: p.path.join('.'), problem: p.message }, 'service.telemetry: not pushing');
      return;
    }
    if (sdkDisabled()) {
      this.logger.info(
        'service.telemetry: OTEL_SDK_DISABLED=true, nothing is pushed (the /metrics pull stays)',
      );
      return;
    }
    if (c.metrics.level !== 'none')
      for (const r of c.metrics.readers) {
        const { json, options } = exporterOptions(r.periodic.exporter.otlp, 'metrics');
        const pref = r.periodic.exporter.otlp.temporality_preference || temporalityPreference();
        const exporterOpts = { ...options, temporalityPreference: pref ? TEMPORALITY[pref] : undefined };
        const exporter = json ? new JsonMetricExporter(exporterOpts) : new ProtoMetricExporter(exporterOpts);
        // config, else OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT, else the spec's 60 s / 30 s; the SDK
        // refuses a timeout longer than the interval, so a short interval shortens the timeout too
        const interval = r.periodic.interval || metricExportIntervalMs() || 60_000;
        const timeout = Math.min(r.periodic.timeout || metricExportTimeoutMs() || 30_000, interval);
        this.readers.push(
          new PeriodicExportingMetricReader({
            exporter,
            exportIntervalMillis: interval,
            exportTimeoutMillis: timeout,
            metricProducers: [new SelfMetricsProducer(this.metrics)],
          }),
        );
      }
    const spanProcessors = c.traces.processors.map((p) => {
      const { json, options } = exporterOptions(p.batch.exporter.otlp, 'traces');
      return new BatchSpanProcessor(json ? new JsonTraceExporter(options) : new ProtoTraceExporter(options), {
        scheduledDelayMillis: p.batch.schedule_delay || undefined,
      });
    });
    this.sdk = new NodeSDK({
      resource: buildResource(c.resource),
      autoDetectResources: false,
      metricReaders: this.readers,
      spanProcessors,
      logRecordProcessors: [],
      textMapPropagator: null,
      instrumentations: [],
    });
    this.sdk.start();
    this.logger.info(
      { metric_readers: this.readers.length, span_processors: spanProcessors.length },
      'service.telemetry: pushing the agent’s own telemetry over OTLP',
    );
  }

  /** Exports what is pending now (tests, and the last push before exit). */
  async flush(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await this.sdk
      ?.shutdown()
      .catch((err: unknown) => this.logger.warn({ err: String(err) }, 'service.telemetry: shutdown failed'));
  }
}
