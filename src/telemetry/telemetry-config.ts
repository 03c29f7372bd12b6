// SPDX-License-Identifier: Apache-2.0
// `service.telemetry`: the agent's own telemetry, shaped like the Collector's service::telemetry
// (which follows the OpenTelemetry declarative configuration): periodic readers that push the
// self-metrics over OTLP, and batch span processors for the agent's own spans. Without readers
// the self-metrics stay pull-only (/metrics of health_check), as before.
/** A JSON Schema (the component layer's JsonSchema; telemetry sits below it). */
type JsonSchema = Record<string, unknown>;
import { resolveProtocol } from '../util/otel-sdk-env.js';
import type { Signal } from '../util/otel-sdk-env.js';

export interface OtlpTarget {
  /** http/protobuf or http/json; empty: OTEL_EXPORTER_OTLP_{SIGNAL_}PROTOCOL, else http/protobuf. */
  protocol: '' | 'http/protobuf' | 'http/json';
  /** Full URL (e.g. http://collector:4318/v1/metrics); empty: the OTEL_EXPORTER_OTLP_* variables. */
  endpoint: string;
  headers: Record<string, string> | Array<{ name: string; value: string }>;
  compression: '' | 'gzip' | 'none';
  /** Milliseconds; 0: the variables, else 10000. */
  timeout: number;
  temporality_preference: '' | 'cumulative' | 'delta' | 'lowmemory';
}

export interface TelemetryConfig {
  resource: Record<string, string>;
  metrics: {
    level: 'none' | 'basic' | 'normal' | 'detailed';
    readers: Array<{ periodic: { interval: number; timeout: number; exporter: { otlp: OtlpTarget } } }>;
  };
  traces: {
    processors: Array<{ batch: { schedule_delay: number; exporter: { otlp: OtlpTarget } } }>;
  };
}

const ms = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, default: 0, description });

const otlpSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    protocol: { enum: ['', 'http/protobuf', 'http/json'], default: '' },
    endpoint: {
      type: 'string',
      default: '',
      description: 'Full OTLP/HTTP URL; empty: OTEL_EXPORTER_OTLP_*.',
    },
    headers: {
      anyOf: [
        { type: 'object', additionalProperties: { type: 'string' } },
        {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'value'],
            properties: { name: { type: 'string' }, value: { type: 'string' } },
          },
        },
      ],
      default: {},
      'x-secret': true,
    },
    compression: { enum: ['', 'gzip', 'none'], default: '' },
    timeout: ms('Per-request timeout in ms; 0: OTEL_EXPORTER_OTLP_{SIGNAL_}TIMEOUT, else 10000.'),
    temporality_preference: { enum: ['', 'cumulative', 'delta', 'lowmemory'], default: '' },
  },
};

const exporterSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['otlp'],
  properties: { otlp: otlpSchema },
};

export const telemetrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description:
    "The agent's own telemetry (the Collector's service::telemetry): readers push the self-metrics over OTLP beside the /metrics pull.",
  properties: {
    resource: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Resource attributes of the pushed self-telemetry (win over OTEL_RESOURCE_ATTRIBUTES).',
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: {
          enum: ['none', 'basic', 'normal', 'detailed'],
          default: 'normal',
          description: 'none: push nothing (the /metrics pull stays).',
        },
        readers: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['periodic'],
            properties: {
              periodic: {
                type: 'object',
                additionalProperties: false,
                required: ['exporter'],
                properties: {
                  interval: ms('Export interval in ms; 0: OTEL_METRIC_EXPORT_INTERVAL, else 60000.'),
                  timeout: ms('Export timeout in ms; 0: OTEL_METRIC_EXPORT_TIMEOUT, else 30000.'),
                  exporter: exporterSchema,
                },
              },
            },
          },
        },
      },
    },
    traces: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        processors: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['batch'],
            properties: {
              batch: {
                type: 'object',
                additionalProperties: false,
                required: ['exporter'],
                properties: {
                  schedule_delay: ms('Batch delay in ms; 0: OTEL_BSP_SCHEDULE_DELAY, else 5000.'),
                  exporter: exporterSchema,
                },
              },
            },
          },
        },
      },
    },
  },
};

/** Problems `validate` reports for the block (grpc, a bad protocol variable). */
export function telemetryProblems(c: TelemetryConfig): Array<{ path: string[]; message: string }> {
  const out: Array<{ path: string[]; message: string }> = [];
  const check = (t: OtlpTarget, signal: Signal, path: string[]): void => {
    const p = resolveProtocol({ protocol: t.protocol, encoding: '' }, signal);
    if ('problem' in p) out.push({ path, message: p.problem.replace('otlp_http', 'service.telemetry') });
  };
  c.metrics.readers.forEach((r, i) =>
    check(r.periodic.exporter.otlp, 'metrics', [
      'metrics',
      'readers',
      String(i),
      'periodic',
      'exporter',
      'otlp',
    ]),
  );
  c.traces.processors.forEach((r, i) =>
    check(r.batch.exporter.otlp, 'traces', ['traces', 'processors', String(i), 'batch', 'exporter', 'otlp']),
  );
  return out;
}

/** True when the block asks for anything to be pushed. */
export function wantsPush(c: TelemetryConfig): boolean {
  return (c.metrics.level !== 'none' && c.metrics.readers.length > 0) || c.traces.processors.length > 0;
}
