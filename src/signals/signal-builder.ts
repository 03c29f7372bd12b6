// SPDX-License-Identifier: Apache-2.0
// Turns record batches into signals with the OpenTelemetry JS SDK: metrics aggregate in-process
// on a private MeterProvider (collected on demand by the exporter), spans and logs are built per
// batch and handed back as SDK objects ready for the OTLP serializers.
import type { Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InstrumentType,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { CallRecord } from '../model/call-record.js';
import { HistogramStore } from './histogram-store.js';
import { Instruments } from './instruments.js';
import type { Family } from './names.js';
import { SPAN } from './names.js';
import { emitLog, wantsLog } from './record-log.js';
import { AGENT_VERSION, SCOPE_NAME } from './resource.js';
import { metricView } from './metric-view.js';
import { emitSpan, RecordIdGenerator } from './record-span.js';

/** The temporality per instrument type, as OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE defines it. */
export function temporalityFor(
  pref: SignalOptions['temporality'],
  type: InstrumentType,
): AggregationTemporality {
  if (pref === 'delta')
    return type === InstrumentType.UP_DOWN_COUNTER || type === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
      ? AggregationTemporality.CUMULATIVE
      : AggregationTemporality.DELTA;
  if (pref === 'lowmemory')
    return type === InstrumentType.COUNTER || type === InstrumentType.HISTOGRAM
      ? AggregationTemporality.DELTA
      : AggregationTemporality.CUMULATIVE;
  return AggregationTemporality.CUMULATIVE;
}

/** A reader the exporter pulls from when it wants (interval export, Prometheus scrape). */
class PullReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

class Collect<T> {
  items: T[] = [];
  take(): T[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}

export interface SignalOptions {
  resource: Resource;
  families: ReadonlySet<Family>;
  /** The OTLP exporter spec's temporality preference; lowmemory = delta for counters and histograms. */
  temporality: 'cumulative' | 'delta' | 'lowmemory';
  /** Spans for access-log records are sampled with this probability (probes always get one). */
  accessLogSampling: number;
  traces: boolean;
  logs: boolean;
  metrics: boolean;
}

export class SignalBuilder {
  private readonly meterProvider: MeterProvider;
  private readonly reader: PullReader;
  private readonly instruments: Instruments;
  private readonly tracerProvider: BasicTracerProvider;
  private readonly ids = new RecordIdGenerator();
  private readonly spans = new Collect<ReadableSpan>();
  private readonly logs = new Collect<ReadableLogRecord>();
  private readonly loggerProvider: LoggerProvider;

  constructor(private readonly opts: SignalOptions) {
    const histograms = new HistogramStore(opts.temporality === 'cumulative' ? 'cumulative' : 'delta');
    this.reader = new PullReader({
      metricProducers: [histograms],
      aggregationTemporalitySelector: (type) => temporalityFor(opts.temporality, type),
    });
    this.meterProvider = new MeterProvider({ resource: opts.resource, readers: [this.reader] });
    const meter: Meter = this.meterProvider.getMeter(SCOPE_NAME, AGENT_VERSION);
    this.instruments = new Instruments(meter, opts.families, histograms);
    const spans = this.spans;
    const processor: SpanProcessor = {
      onStart: () => {},
      onEnd: (s) => void spans.items.push(s),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    this.tracerProvider = new BasicTracerProvider({
      resource: opts.resource,
      idGenerator: this.ids,
      sampler: new AlwaysOnSampler(),
      spanProcessors: [processor],
    });
    const logs = this.logs;
    const logProcessor: LogRecordProcessor = {
      onEmit: (l: SdkLogRecord) => void logs.items.push(l),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    this.loggerProvider = new LoggerProvider({ resource: opts.resource, processors: [logProcessor] });
  }

  /** Aggregates the batch's metrics and returns its spans and log records. */
  build(batch: readonly CallRecord[]): { spans: ReadableSpan[]; logs: ReadableLogRecord[] } {
    const tracer = this.tracerProvider.getTracer(SPAN.tracer, AGENT_VERSION);
    const logger = this.loggerProvider.getLogger(SCOPE_NAME, AGENT_VERSION);
    // the batch's metric view is computed once and shared with every other exporter given it
    if (this.opts.metrics) this.instruments.merge(metricView(batch));
    for (const r of batch) {
      if (this.opts.traces && !r.event && this.sampled(r)) emitSpan(tracer, this.ids, r);
      if (this.opts.logs && wantsLog(r)) emitLog(logger, r);
    }
    return { spans: this.spans.take(), logs: this.logs.take() };
  }

  private sampled(r: CallRecord): boolean {
    if (r.source !== 'access_log') return true;
    const p = this.opts.accessLogSampling;
    return p >= 1 || (p > 0 && Math.random() < p);
  }

  /** The aggregated metrics now (cumulative since start, or the delta since the last collect). */
  async collectMetrics(): Promise<ResourceMetrics> {
    const { resourceMetrics } = await this.reader.collect();
    return resourceMetrics;
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([
      this.meterProvider.shutdown(),
      this.tracerProvider.shutdown(),
      this.loggerProvider.shutdown(),
    ]);
  }
}
