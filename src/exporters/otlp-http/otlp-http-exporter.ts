// SPDX-License-Identifier: Apache-2.0
// otlp_http: records → metrics (aggregated in-process, exported every interval), spans and logs
// (one request per batch and signal) → OTLP/HTTP with the spec's retry rules, a bounded sending
// queue and an optional persistent queue. consume() resolves once the batch's spans and logs are
// sent (memory queue) or persisted (file queue); metrics count as accepted once aggregated.
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { ConsumeContext } from '../../component/consumer.js';
import type { ExporterComponent } from '../../component/factory.js';
import { codeOf, ConfigError, DriftwatchError, QueueIoError, retryOf } from '../../component/errors.js';
import type { CallRecord } from '../../model/call-record.js';
import { AGENT_VERSION, buildResource, SCOPE_NAME } from '../../signals/resource.js';
import { SELF_SPAN_ATTR } from '../../signals/names.js';
import { SignalBuilder } from '../../signals/signal-builder.js';
import type { Family } from '../../signals/names.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import type { Counter } from '../../telemetry/self-metrics.js';
import { ExportGuard } from '../../util/export-guard.js';
import type { OtlpHttpConfig } from './config.js';
import { resolveTransport, SIGNALS } from './endpoint.js';
import type { Protocol, Signal, Transport } from './endpoint.js';
import { isStorageExtension } from '../../component/storage.js';
import { FileQueue } from './file-queue.js';
import type { FileEntry } from './file-queue.js';
import { HttpSender, otlpSerializers } from './http-sender.js';
import type { Outcome } from './http-sender.js';
import { retryPolicy, sendWithRetry } from './retry.js';
import type { FinalOutcome, RetryPolicy } from './retry.js';
import {
  metricExportIntervalMs,
  metricExportTimeoutMs,
  signalOffByEnv,
  temporalityPreference,
} from '../../util/otel-sdk-env.js';
import { SendingQueue } from './sending-queue.js';

interface Request {
  signal: Signal;
  payload: Uint8Array;
  items: number;
}

function queueFull(id: string): DriftwatchError {
  return new DriftwatchError(
    'DW_ERR_QUEUE_FULL',
    `${id}: sending queue is full; the batch is refused (its sender keeps it or counts it dropped)`,
  );
}

function countDataPoints(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

interface Wire {
  transport: Transport;
  sender: HttpSender;
}

export class OtlpHttpExporter implements ExporterComponent {
  readonly mutatesData = false;
  /** Signals this instance sends: the config's switches, less those the environment turns off. */
  readonly enabled: Readonly<Record<Signal, boolean>>;
  private readonly offReasons: string[] = [];
  private wire?: Promise<Wire>;
  private readonly builder: SignalBuilder;
  private readonly policy: RetryPolicy;
  private readonly guard: ExportGuard;
  private readonly errors: RateLimitedLog;
  private readonly memQueue: SendingQueue<Request>;
  private fileQueue?: FileQueue;
  private readonly abort = new AbortController();
  private readonly sentItems: Counter;
  private readonly failedItems: Counter;
  private timer?: NodeJS.Timeout;
  private metricsBusy?: Promise<void>;
  private fileWorkers: Promise<void>[] = [];
  private wakeFileWorkers: Array<() => void> = [];
  private stopped = false;
  private started = false;
  private host?: Host;
  private partialLogged = false;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: OtlpHttpConfig,
  ) {
    const enabled = { traces: false, metrics: false, logs: false };
    for (const s of SIGNALS) {
      const off = config[s].enabled ? signalOffByEnv(s) : 'config';
      enabled[s] = off === undefined;
      if (off && off !== 'config') this.offReasons.push(`${s} off by ${off}`);
    }
    this.enabled = enabled;
    this.policy = retryPolicy(config.retry_on_failure);
    this.guard = new ExportGuard(settings.sensitive);
    this.errors = new RateLimitedLog(settings.logger);
    const families = new Set<Family>();
    if (config.metrics.contract) families.add('contract');
    if (config.metrics.genai) families.add('genai');
    this.builder = new SignalBuilder({
      resource: buildResource(config.resource_attributes),
      families,
      temporality: config.metrics.temporality || temporalityPreference() || 'cumulative',
      accessLogSampling: config.traces.access_log_sampling,
      traces: enabled.traces,
      logs: enabled.logs,
      metrics: enabled.metrics,
    });
    const m = settings.telemetry.metrics;
    this.sentItems = m.counter(
      'driftwatch_exporter_sent_items_total',
      'Spans, metric points and log records delivered, by signal.',
    );
    this.failedItems = m.counter(
      'driftwatch_exporter_send_failed_items_total',
      'Spans, metric points and log records that could not be delivered, by signal.',
    );
    const q = config.sending_queue;
    this.memQueue = new SendingQueue<Request>(
      q.enabled ? q.queue_size : 1,
      q.enabled ? q.num_consumers : 1,
      (r) => this.deliver(r),
      (size) => settings.telemetry.queue(size, q.queue_size),
    );
  }

  private labels(signal: Signal): Record<string, string> {
    return { exporter: this.settings.id, signal };
  }

  /** The resolved endpoints and the HTTP client (resolved once, on first use). */
  private ready(): Promise<Wire> {
    this.wire ??= resolveTransport(this.config).then((transport) => ({
      transport,
      sender: new HttpSender(transport),
    }));
    return this.wire;
  }

  /** Where the persistent queue lives: the data directory (`file`) or a file_storage extension's. */
  private queueDir(host: Host): string | undefined {
    const q = this.config.sending_queue;
    if (!q.enabled || q.storage === 'memory') return undefined;
    if (q.storage === 'file') return join(this.settings.dataDir, 'queue');
    const ext = host.getExtension(q.storage);
    if (!isStorageExtension(ext))
      throw new ConfigError([
        `${this.settings.id}: sending_queue.storage names "${q.storage}", which is not a file_storage extension ` +
          `configured under extensions: and listed in service.extensions`,
      ]);
    return join(ext.directoryFor('exporter', this.settings.id), 'queue');
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    if (this.started) return;
    this.started = true;
    await this.ready();
    const queueDir = this.queueDir(host);
    if (this.offReasons.length > 0)
      this.settings.logger.info(
        { off: this.offReasons },
        'otlp_http: signals switched off by the environment',
      );
    if (queueDir) {
      this.fileQueue = new FileQueue(
        queueDir,
        this.config.sending_queue.max_bytes,
        this.config.sending_queue.queue_size,
      );
      const { recovered, corrupt } = this.fileQueue.open();
      if (corrupt > 0) {
        this.settings.telemetry.dropped(corrupt, 'queue_corrupt', false);
        this.settings.logger.warn(
          { corrupt },
          'persistent queue: corrupt entries moved aside (torn write detected)',
        );
      }
      if (recovered > 0)
        this.settings.logger.info({ recovered }, 'persistent queue: resending entries from the previous run');
      for (let i = 0; i < this.config.sending_queue.num_consumers; i++)
        this.fileWorkers.push(
          // last guard: a worker that dies must not take the process down with an unhandled rejection
          this.fileWorker().catch((err: unknown) =>
            this.settings.logger.error({ err: String(err) }, 'persistent queue worker stopped'),
          ),
        );
    }
    if (this.enabled.metrics) {
      const every = (this.config.metrics.export_interval ?? metricExportIntervalMs()) || 10_000;
      this.timer = setInterval(() => this.tickMetrics(), every);
      this.timer.unref();
    }
  }

  async consume(batch: CallRecord[], _ctx: ConsumeContext): Promise<void> {
    if (this.stopped) throw new DriftwatchError('DW_ERR_SHUTTING_DOWN', `${this.settings.id} is shut down`);
    if (batch.length === 0) return;
    const { spans, logs } = this.builder.build(batch);
    if (spans.length === 0 && logs.length === 0) return;
    const { transport } = await this.ready();
    const waits: Promise<void>[] = [];
    if (spans.length > 0) {
      const payload = otlpSerializers[transport.signals.traces.protocol].traces.serializeRequest(spans);
      if (payload) waits.push(this.enqueue({ signal: 'traces', payload, items: spans.length }, transport));
    }
    if (logs.length > 0) {
      const payload = otlpSerializers[transport.signals.logs.protocol].logs.serializeRequest(logs);
      if (payload) waits.push(this.enqueue({ signal: 'logs', payload, items: logs.length }, transport));
    }
    const results = await Promise.allSettled(waits);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Checks the payload against the export guard: a match is dropped and counted, never sent. */
  private guarded(r: Request): boolean {
    if (this.guard.allows(r.payload)) return true;
    this.settings.telemetry.dropped(r.items, 'sensitive_value', false);
    this.errors.error(
      'guard',
      { code: 'DW_ERR_EXPORT_GUARD', signal: r.signal, items: r.items },
      'export guard: payload held a configured secret or probe prompt; dropped',
    );
    return false;
  }

  private enqueue(r: Request, transport: Transport): Promise<void> {
    if (!this.guarded(r)) return Promise.resolve();
    if (this.fileQueue) {
      let queued: boolean;
      try {
        queued = this.fileQueue.put(
          r.signal,
          transport.signals[r.signal].protocol === 'http/json',
          r.items,
          r.payload,
        );
      } catch (err) {
        // Full or read-only disk: refuse upstream (a receiver with checkpoints keeps the data and
        // retries), log it rate-limited with the path and errno, count it.
        this.queueIoError(err);
        this.settings.telemetry.enqueueFailed(r.items);
        return Promise.reject(
          err instanceof QueueIoError ? err : new QueueIoError('write', this.settings.dataDir, 'EIO', err),
        );
      }
      if (!queued) {
        // refused, not dropped: the caller holds the batch (a tailing receiver retries it)
        this.settings.telemetry.enqueueFailed(r.items);
        return Promise.reject(queueFull(this.settings.id));
      }
      this.settings.telemetry.queue(this.fileQueue.size, this.config.sending_queue.queue_size);
      for (const w of this.wakeFileWorkers.splice(0)) w();
      return Promise.resolve();
    }
    if (!this.config.sending_queue.enabled) return this.deliver(r); // no queue: send in the caller's turn
    const p = this.memQueue.offer(r);
    if (!p) {
      // refused, not dropped: the caller holds the batch (a tailing receiver retries it)
      this.settings.telemetry.enqueueFailed(r.items);
      return Promise.reject(queueFull(this.settings.id));
    }
    return p;
  }

  private async send(
    signal: Signal,
    payload: Uint8Array,
    json?: boolean,
    policy: RetryPolicy = this.policy,
  ): Promise<FinalOutcome> {
    const { sender } = await this.ready();
    const protocol: Protocol | undefined =
      json === undefined ? undefined : json ? 'http/json' : 'http/protobuf';
    // The agent's own span for this export (a no-op unless service.telemetry configures traces).
    const span = trace.getTracer(SCOPE_NAME, AGENT_VERSION).startSpan(`otlp_http export ${signal}`, {
      kind: SpanKind.CLIENT,
      attributes: { [SELF_SPAN_ATTR.exporter]: this.settings.id, [SELF_SPAN_ATTR.signal]: signal },
    });
    const o = await sendWithRetry(() => sender.post(signal, payload, protocol, this.abort.signal), policy, {
      abort: this.abort.signal,
      onRetry: (delayMs, r: Outcome) => {
        this.failing(r.ok ? 'retry' : r.reason);
        span.addEvent(SELF_SPAN_ATTR.retryEvent, { [SELF_SPAN_ATTR.delayMs]: Math.round(delayMs) });
        this.settings.logger.info(
          { signal, reason: r.ok ? undefined : r.reason, delay_ms: Math.round(delayMs) },
          'Exporting failed. Will retry the request after interval.',
        );
      },
    });
    span.setAttribute(SELF_SPAN_ATTR.attempts, o.attempts);
    if (o.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, o.status);
    if (!o.ok) {
      span.setAttribute(ATTR_ERROR_TYPE, o.reason);
      span.setStatus({ code: SpanStatusCode.ERROR, message: o.reason });
    }
    span.end();
    return o;
  }

  /** Every failed attempt marks the exporter recoverable_error; /healthz shows it degraded when it lasts. */
  private failing(reason: string): void {
    this.host?.reportStatus(this.settings, { state: 'recoverable_error', error: `export failed: ${reason}` });
  }

  /**
   * Accounts for a final outcome; returns true when the data is done with (delivered or refused
   * for good). `callerWaits`: the batch's sender still holds it and hears the failure (memory
   * queue, no queue), so it is refused to the sender, not dropped here; from the file queue
   * nobody else holds it, so a final failure drops it.
   */
  private account(signal: Signal, items: number, o: FinalOutcome, callerWaits = false): boolean {
    if (o.ok) this.host?.reportStatus(this.settings, { state: 'ok' });
    else if (o.reason !== 'shutdown') this.failing(o.reason);
    if (o.ok) {
      const accepted = Math.max(0, items - o.rejected);
      this.sentItems.add(accepted, this.labels(signal));
      if (o.rejected > 0 || o.message) {
        this.settings.telemetry.dropped(o.rejected, 'partial_success', false);
        if (!this.partialLogged) {
          this.partialLogged = true;
          this.settings.logger.warn(
            { signal, rejected: o.rejected, message: o.message },
            'Partial success response',
          );
        }
      }
      return true;
    }
    if (o.reason === 'shutdown') return false;
    this.failedItems.add(items, this.labels(signal));
    this.settings.telemetry.error(
      o.reason === 'timeout' ? 'timed_out' : o.status ? 'request_failed' : 'connection_failed',
      'sending',
    );
    if (callerWaits) {
      this.errors.error(
        `send-${signal}`,
        { code: o.code, signal, items, status: o.status, reason: o.reason, attempts: o.attempts },
        'Exporting failed. The batch is refused to its sender (it keeps it or counts it dropped).',
      );
      return true;
    }
    this.errors.error(
      `send-${signal}`,
      { code: o.code, signal, items, status: o.status, reason: o.reason, attempts: o.attempts },
      o.exhausted
        ? 'Exporting failed. No more retries left. Dropping data.'
        : 'Exporting failed. Dropping data (not retryable).',
    );
    this.settings.telemetry.dropped(
      items,
      retryOf(o.code) === 'permanent' ? 'permanent_error' : 'retries_exhausted',
      false,
    );
    return true;
  }

  /** Memory queue consumer: resolves when sent, rejects when the data was lost. */
  private async deliver(r: Request): Promise<void> {
    const o = await this.send(r.signal, r.payload);
    this.account(r.signal, r.items, o, true);
    if (!o.ok)
      throw new DriftwatchError(o.code, `${this.settings.id}: ${r.signal} export failed (${o.reason})`, {
        retryAfterMs: o.retryAfterMs,
      });
  }

  private async fileWorker(): Promise<void> {
    const q = this.fileQueue!;
    while (!this.abort.signal.aborted) {
      const e: FileEntry | undefined = q.take();
      if (!e) {
        await new Promise<void>((resolve) => this.wakeFileWorkers.push(resolve));
        continue;
      }
      const payload = q.read(e);
      if (!payload) {
        try {
          q.done(e);
        } catch (err) {
          this.queueIoError(err);
        }
        this.settings.telemetry.dropped(e.items, 'queue_corrupt', false);
        continue;
      }
      const o = await this.send(e.signal, payload, e.json);
      if (this.account(e.signal, e.items, o)) {
        try {
          q.done(e);
        } catch (err) {
          this.queueIoError(err); // the file stays: sent again after a restart (at-least-once)
        }
      } else q.putBack(e);
      this.settings.telemetry.queue(q.size, this.config.sending_queue.queue_size);
    }
  }

  private queueIoError(err: unknown): void {
    this.settings.telemetry.error('io_failed', 'sending');
    const e = err as Partial<QueueIoError>;
    this.errors.error(
      `queue-${e.op ?? 'io'}:${e.errno ?? 'unknown'}`,
      { code: 'DW_ERR_QUEUE_IO', path: e.path, errno: e.errno, op: e.op },
      err instanceof QueueIoError ? err.message : `persistent queue: ${String(err)}`,
    );
  }

  private tickMetrics(): void {
    if (this.metricsBusy) return; // skip a tick while the previous export runs
    this.metricsBusy = this.exportMetrics()
      .then(
        () => undefined,
        (err: unknown) =>
          this.errors.error('metrics', { code: codeOf(err), err: String(err) }, 'metrics export failed'),
      )
      .finally(() => (this.metricsBusy = undefined));
  }

  /** Collects and sends the aggregated metrics once (also used at shutdown and by testExport). */
  async exportMetrics(): Promise<boolean> {
    const rm = await this.builder.collectMetrics();
    const points = countDataPoints(rm);
    if (points === 0) return true;
    const { transport } = await this.ready();
    const payload = otlpSerializers[transport.signals.metrics.protocol].metrics.serializeRequest(rm);
    if (!payload) return false;
    if (!this.guarded({ signal: 'metrics', payload, items: points })) return false;
    const o = await this.send('metrics', payload, undefined, this.metricsPolicy());
    this.account('metrics', points, o);
    return o.ok;
  }

  /** OTEL_METRIC_EXPORT_TIMEOUT / metrics.export_timeout bound one metrics export, retries included. */
  private metricsPolicy(): RetryPolicy {
    const budget = this.config.metrics.export_timeout ?? metricExportTimeoutMs();
    return budget ? { ...this.policy, budgetMs: budget } : this.policy;
  }

  async testExport(): Promise<void> {
    const signal = SIGNALS.find((s) => this.enabled[s]);
    if (!signal) return; // nothing is sent, so nothing to test
    const { sender } = await this.ready();
    const o = await sender.post(signal, new Uint8Array(0));
    if (!o.ok) throw new DriftwatchError(o.code, `${this.settings.id}: test export failed (${o.reason})`);
  }

  async shutdown(opts: ShutdownOptions): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const until = (p: Promise<unknown>): Promise<unknown> =>
      Promise.race([p, new Promise((r) => setTimeout(r, Math.max(0, opts.deadline - Date.now())).unref())]);
    if (this.started) {
      await until(
        (this.metricsBusy ?? Promise.resolve())
          .then(() => (this.enabled.metrics ? this.exportMetrics() : true))
          .catch(() => false),
      );
      await this.memQueue.drain(opts.deadline);
    }
    this.abort.abort();
    const lost = this.memQueue.rejectPending(
      new DriftwatchError('DW_ERR_SHUTTING_DOWN', `${this.settings.id} shut down before sending`),
    );
    if (lost > 0) this.settings.telemetry.dropped(lost, 'shutdown', false);
    for (const w of this.wakeFileWorkers.splice(0)) w();
    await until(Promise.allSettled(this.fileWorkers));
    if (this.wire) await (await this.wire).sender.close();
    await this.builder.shutdown();
  }
}
