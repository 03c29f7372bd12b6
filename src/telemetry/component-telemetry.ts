// SPDX-License-Identifier: Apache-2.0
// The standard counters every component reports (Collector obsreport / Vector instrumentation
// spec): accepted / refused for receivers, incoming / outgoing / dropped for processors,
// sent / send_failed / enqueue_failed and queue gauges for exporters, and bounded errors.
import type { Kind } from '../model/component-kind.js';
import type { Counter, Gauge, SelfMetrics } from './self-metrics.js';

/** Bounded error taxonomy (Vector's `error_type`). */
export type ErrorType =
  | 'request_failed'
  | 'connection_failed'
  | 'timed_out'
  | 'parser_failed'
  | 'condition_failed'
  | 'io_failed'
  | 'config_failed'
  | 'encode_failed';
export type ErrorStage = 'receiving' | 'processing' | 'sending';

export interface ComponentTelemetry {
  readonly metrics: SelfMetrics;
  /** Labels that identify this component instance (`receiver="probe/x"`...). */
  readonly labels: Record<string, string>;
  accepted(n: number): void;
  refused(n: number): void;
  incoming(n: number): void;
  outgoing(n: number): void;
  /** An intentional drop (filtered) or not (failure), with a bounded reason. */
  dropped(n: number, reason: string, intentional: boolean): void;
  sent(n: number): void;
  sendFailed(n: number): void;
  enqueueFailed(n: number): void;
  queue(size: number, capacity: number): void;
  error(type: ErrorType, stage: ErrorStage): void;
}

interface Families {
  accepted: Counter;
  refused: Counter;
  incoming: Counter;
  outgoing: Counter;
  dropped: Counter;
  sent: Counter;
  sendFailed: Counter;
  enqueueFailed: Counter;
  queueSize: Gauge;
  queueCapacity: Gauge;
  errors: Counter;
}

const cache = new WeakMap<SelfMetrics, Families>();

function families(m: SelfMetrics): Families {
  let f = cache.get(m);
  if (!f) {
    f = {
      accepted: m.counter(
        'driftwatch_receiver_accepted_records_total',
        'Records a receiver pushed into the pipeline and that were accepted.',
      ),
      refused: m.counter(
        'driftwatch_receiver_refused_records_total',
        'Records a receiver could not push into the pipeline.',
      ),
      incoming: m.counter('driftwatch_processor_incoming_records_total', 'Records that entered a processor.'),
      outgoing: m.counter('driftwatch_processor_outgoing_records_total', 'Records a processor passed on.'),
      dropped: m.counter(
        'driftwatch_component_dropped_records_total',
        'Records dropped, with a reason and whether it was intentional.',
      ),
      sent: m.counter(
        'driftwatch_exporter_sent_records_total',
        'Records an exporter delivered (or persisted).',
      ),
      sendFailed: m.counter(
        'driftwatch_exporter_send_failed_records_total',
        'Records an exporter failed to deliver.',
      ),
      enqueueFailed: m.counter(
        'driftwatch_exporter_enqueue_failed_records_total',
        'Records refused because the sending queue was full.',
      ),
      queueSize: m.gauge('driftwatch_exporter_queue_size', 'Items waiting in the sending queue.'),
      queueCapacity: m.gauge('driftwatch_exporter_queue_capacity', 'Capacity of the sending queue.'),
      errors: m.counter('driftwatch_component_errors_total', 'Errors by bounded type and stage.'),
    };
    cache.set(m, f);
  }
  return f;
}

export function createComponentTelemetry(
  metrics: SelfMetrics,
  kind: Kind,
  id: string,
  pipeline?: string,
): ComponentTelemetry {
  const f = families(metrics);
  const labels: Record<string, string> = { [kind]: id };
  if (pipeline && kind === 'processor') labels.pipeline = pipeline;
  const componentLabels = { component_kind: kind, component_id: id };
  if (kind === 'receiver') {
    f.accepted.touch(labels);
    f.refused.touch(labels);
  } else if (kind === 'exporter') {
    f.sent.touch(labels);
    f.sendFailed.touch(labels);
    f.enqueueFailed.touch(labels);
  } else if (kind === 'processor') {
    f.incoming.touch(labels);
    f.outgoing.touch(labels);
  }
  return {
    metrics,
    labels,
    accepted: (n) => f.accepted.add(n, labels),
    refused: (n) => f.refused.add(n, labels),
    incoming: (n) => f.incoming.add(n, labels),
    outgoing: (n) => f.outgoing.add(n, labels),
    dropped: (n, reason, intentional) =>
      f.dropped.add(n, { ...componentLabels, reason, intentional: String(intentional) }),
    sent: (n) => f.sent.add(n, labels),
    sendFailed: (n) => f.sendFailed.add(n, labels),
    enqueueFailed: (n) => f.enqueueFailed.add(n, labels),
    queue: (size, capacity) => {
      f.queueSize.set(size, labels);
      f.queueCapacity.set(capacity, labels);
    },
    error: (type, stage) => f.errors.add(1, { ...componentLabels, error_type: type, stage }),
  };
}
