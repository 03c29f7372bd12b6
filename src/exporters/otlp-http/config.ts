// SPDX-License-Identifier: Apache-2.0
// otlp_http exporter options (Collector otlphttp exporter + exporterhelper shapes). Empty strings
// mean "from the standard OTEL_EXPORTER_OTLP_* environment variable, else the spec default".
import { Duration, Enum, OptionalDuration, Settings, StringMap, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

const str = (description: string) => Type.String({ default: '', description });

export const retrySchema = Settings(
  {
    enabled: Type.Boolean({ default: true }),
    initial_interval: Duration('5s', 'First backoff delay.'),
    max_interval: Duration('30s', 'Largest backoff delay.'),
    multiplier: Type.Number({ minimum: 1, default: 1.5 }),
    randomization_factor: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
    max_elapsed_time: Duration('300s', 'Time budget for one request including retries (0 = forever).'),
  },
  { default: {} },
);

export const otlpHttpSchema = Settings({
  endpoint: str(
    'Base URL; /v1/{traces,metrics,logs} is appended. Default OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318.',
  ),
  traces_endpoint: str('Full traces URL (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).'),
  metrics_endpoint: str('Full metrics URL (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).'),
  logs_endpoint: str('Full logs URL (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT).'),
  protocol: Enum(['', 'http/protobuf', 'http/json'], {
    default: '',
    description: 'Default OTEL_EXPORTER_OTLP_{SIGNAL_}PROTOCOL, else http/protobuf (grpc is refused).',
  }),
  /** The Collector's spelling of the protocol: proto = http/protobuf, json = http/json. */
  encoding: Enum(['', 'proto', 'json'], {
    default: '',
    description: 'The Collector spelling of protocol: proto (http/protobuf) or json (http/json).',
  }),
  compression: Enum(['', 'gzip', 'none'], {
    default: '',
    description: 'Default OTEL_EXPORTER_OTLP_{SIGNAL_}COMPRESSION, else gzip.',
  }),
  /** HTTP(S) proxy for every request; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxy_url: str('HTTP(S) proxy URL for every request; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY.'),
  // Header values carry credentials (Authorization, api-key): all are secrets, like the Collector's configopaque.
  headers: StringMap({ 'x-secret': true }),
  /** Milliseconds; undefined: OTEL_EXPORTER_OTLP_{SIGNAL_}TIMEOUT, else 10 s. */
  timeout: OptionalDuration('Per-request timeout (OTEL_EXPORTER_OTLP_{SIGNAL_}TIMEOUT in ms, else 10s).'),
  tls: Settings(
    {
      ca_file: str('PEM CA bundle (OTEL_EXPORTER_OTLP_CERTIFICATE).'),
      cert_file: str('Client certificate (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE).'),
      key_file: str('Client key (OTEL_EXPORTER_OTLP_CLIENT_KEY).'),
    },
    { default: {} },
  ),
  retry_on_failure: retrySchema,
  sending_queue: Settings(
    {
      enabled: Type.Boolean({ default: true }),
      num_consumers: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
      queue_size: Type.Integer({ minimum: 1, default: 1000, description: 'Requests held in memory.' }),
      /** memory, file, or the id of a file_storage extension (the Collector's spelling). */
      storage: Type.String({
        pattern: '^(memory|file|file_storage(/[^\\s/]+)?)$',
        default: 'memory',
        description:
          'memory; file (traces and logs survive a crash, under the data directory); or the id of a file_storage extension (its directory).',
      }),
      max_bytes: Type.Integer({
        minimum: 1024,
        default: 67108864,
        description: 'Bound of the file queue.',
      }),
    },
    { default: {} },
  ),
  metrics: Settings(
    {
      enabled: Type.Boolean({ default: true }),
      export_interval: OptionalDuration(
        'How often aggregated metrics are sent (OTEL_METRIC_EXPORT_INTERVAL in ms, else 10s).',
      ),
      export_timeout: OptionalDuration(
        'Time budget of one metrics export including retries (OTEL_METRIC_EXPORT_TIMEOUT in ms, else retry_on_failure.max_elapsed_time).',
      ),
      temporality: Enum(['', 'cumulative', 'delta', 'lowmemory'], {
        default: '',
        description: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, else cumulative.',
      }),
      contract: Type.Boolean({ default: true, description: 'The reliability-guide family (llm.*).' }),
      genai: Type.Boolean({ default: true, description: 'The GenAI conventions family (gen_ai.*).' }),
    },
    { default: {} },
  ),
  traces: Settings(
    {
      enabled: Type.Boolean({ default: true }),
      access_log_sampling: Type.Number({ minimum: 0, maximum: 1, default: 0.01 }),
    },
    { default: {} },
  ),
  logs: Settings({ enabled: Type.Boolean({ default: true }) }, { default: {} }),
  resource_attributes: StringMap(),
});

export type OtlpHttpConfig = Static<typeof otlpHttpSchema>;
export type RetryConfig = OtlpHttpConfig['retry_on_failure'];
