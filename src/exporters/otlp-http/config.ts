// SPDX-License-Identifier: Apache-2.0
// otlp_http exporter options (Collector otlphttp exporter + exporterhelper shapes). Empty strings
// mean "from the standard OTEL_EXPORTER_OTLP_* environment variable, else the spec default".
import type { JsonSchema } from '../../component/factory.js';
import { Duration, OptionalDuration } from '../../config/typed-schema.js';

export interface RetryConfig {
  enabled: boolean;
  /** Milliseconds, as every duration below (the YAML says e.g. `5s`; the loader converts). */
  initial_interval: number;
  max_interval: number;
  multiplier: number;
  randomization_factor: number;
  max_elapsed_time: number;
}

export interface OtlpHttpConfig {
  endpoint: string;
  traces_endpoint: string;
  metrics_endpoint: string;
  logs_endpoint: string;
  protocol: '' | 'http/protobuf' | 'http/json';
  /** The Collector's spelling of the protocol: proto = http/protobuf, json = http/json. */
  encoding: '' | 'proto' | 'json';
  compression: '' | 'gzip' | 'none';
  /** HTTP(S) proxy for every request; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxy_url: string;
  headers: Record<string, string>;
  /** undefined: from OTEL_EXPORTER_OTLP_{SIGNAL_}TIMEOUT, else 10 s. */
  timeout: number | undefined;
  tls: { ca_file: string; cert_file: string; key_file: string };
  retry_on_failure: RetryConfig;
  sending_queue: {
    enabled: boolean;
    num_consumers: number;
    queue_size: number;
    /** memory, file, or the id of a file_storage extension (the Collector's spelling). */
    storage: string;
    max_bytes: number;
  };
  metrics: {
    enabled: boolean;
    export_interval: number | undefined;
    export_timeout: number | undefined;
    temporality: '' | 'cumulative' | 'delta' | 'lowmemory';
    contract: boolean;
    genai: boolean;
  };
  traces: { enabled: boolean; access_log_sampling: number };
  logs: { enabled: boolean };
  resource_attributes: Record<string, string>;
}

const str = (description: string): JsonSchema => ({ type: 'string', default: '', description });

export const retrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    enabled: { type: 'boolean', default: true },
    initial_interval: Duration('5s', 'First backoff delay.'),
    max_interval: Duration('30s', 'Largest backoff delay.'),
    multiplier: { type: 'number', minimum: 1, default: 1.5 },
    randomization_factor: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
    max_elapsed_time: Duration('300s', 'Time budget for one request including retries (0 = forever).'),
  },
};

export const otlpHttpSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: str(
      'Base URL; /v1/{traces,metrics,logs} is appended. Default OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318.',
    ),
    traces_endpoint: str('Full traces URL (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).'),
    metrics_endpoint: str('Full metrics URL (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).'),
    logs_endpoint: str('Full logs URL (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT).'),
    protocol: {
      enum: ['', 'http/protobuf', 'http/json'],
      default: '',
      description: 'Default OTEL_EXPORTER_OTLP_{SIGNAL_}PROTOCOL, else http/protobuf (grpc is refused).',
    },
    encoding: {
      enum: ['', 'proto', 'json'],
      default: '',
      description: 'The Collector spelling of protocol: proto (http/protobuf) or json (http/json).',
    },
    compression: {
      enum: ['', 'gzip', 'none'],
      default: '',
      description: 'Default OTEL_EXPORTER_OTLP_{SIGNAL_}COMPRESSION, else gzip.',
    },
    proxy_url: str('HTTP(S) proxy URL for every request; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY.'),
    // Header values carry credentials (Authorization, api-key): all are secrets, like the Collector's configopaque.
    headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, 'x-secret': true },
    timeout: OptionalDuration('Per-request timeout (OTEL_EXPORTER_OTLP_{SIGNAL_}TIMEOUT in ms, else 10s).'),
    tls: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca_file: str('PEM CA bundle (OTEL_EXPORTER_OTLP_CERTIFICATE).'),
        cert_file: str('Client certificate (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE).'),
        key_file: str('Client key (OTEL_EXPORTER_OTLP_CLIENT_KEY).'),
      },
    },
    retry_on_failure: retrySchema,
    sending_queue: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        num_consumers: { type: 'integer', minimum: 1, maximum: 64, default: 2 },
        queue_size: { type: 'integer', minimum: 1, default: 1000, description: 'Requests held in memory.' },
        storage: {
          type: 'string',
          pattern: '^(memory|file|file_storage(/[^\\s/]+)?)$',
          default: 'memory',
          description:
            'memory; file (traces and logs survive a crash, under the data directory); or the id of a file_storage extension (its directory).',
        },
        max_bytes: {
          type: 'integer',
          minimum: 1024,
          default: 67108864,
          description: 'Bound of the file queue.',
        },
      },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        export_interval: OptionalDuration(
          'How often aggregated metrics are sent (OTEL_METRIC_EXPORT_INTERVAL in ms, else 10s).',
        ),
        export_timeout: OptionalDuration(
          'Time budget of one metrics export including retries (OTEL_METRIC_EXPORT_TIMEOUT in ms, else retry_on_failure.max_elapsed_time).',
        ),
        temporality: {
          enum: ['', 'cumulative', 'delta', 'lowmemory'],
          default: '',
          description: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, else cumulative.',
        },
        contract: { type: 'boolean', default: true, description: 'The reliability-guide family (llm.*).' },
        genai: { type: 'boolean', default: true, description: 'The GenAI conventions family (gen_ai.*).' },
      },
    },
    traces: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        access_log_sampling: { type: 'number', minimum: 0, maximum: 1, default: 0.01 },
      },
    },
    logs: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { enabled: { type: 'boolean', default: true } },
    },
    resource_attributes: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
  },
};
