// SPDX-License-Identifier: Apache-2.0
// Configuration of the `probe` receiver: one target (an OpenAI-compatible chat-completions
// endpoint) and several probes against it, each with its own kind and interval.
import type { JsonSchema } from '../../component/factory.js';
import { durationSchema } from '../../util/duration.js';

export type ProbeKind = 'chat' | 'chat_stream' | 'invalid_request' | 'timeout_boundary' | 'usage';
export const PROBE_KINDS: readonly ProbeKind[] = [
  'chat',
  'chat_stream',
  'invalid_request',
  'timeout_boundary',
  'usage',
];
export type PromptSize = 'small' | 'large';

export interface RetryConfig {
  enabled: boolean;
  max_attempts: number;
  backoff: string | number;
}

export interface ProbeSpec {
  name: string;
  kind: ProbeKind;
  interval: string | number;
  /** Per-probe deadline; falls back to the target's `timeout` (timeout_boundary: 1s). */
  timeout?: string | number;
  model?: string;
  max_tokens?: number;
  prompt?: string;
  /** Soft answer check: a case-insensitive substring the answer should contain. */
  expect_answer?: string;
  /** chat_stream: ask for `stream_options.include_usage`. */
  include_usage: boolean;
  /** Run the probe once per listed prompt size on each tick. */
  prompt_sizes: PromptSize[];
  /** invalid_request: `model` (a model id that does not exist) or `payload` (malformed messages). */
  invalid: 'model' | 'payload';
  invalid_model: string;
  /** invalid_request only: allow it in `environment: production`. */
  allow_in_production: boolean;
  retry: RetryConfig;
}

export interface ProbeReceiverConfig {
  base_url: string;
  path: string;
  api_key: string;
  headers: Record<string, string>;
  model: string;
  provider: string;
  contract: string;
  environment: string;
  tls: { ca_file: string; server_name: string };
  proxy: string;
  dns_servers: string[];
  keep_alive: boolean;
  timeout: string | number;
  idle_timeout: string | number;
  connect_timeout: string | number;
  max_body_bytes: number;
  max_stream_chunks: number;
  max_json_depth: number;
  max_json_values: number;
  synthetic_header: { name: string; value: string };
  user: string;
  metadata: Record<string, string>;
  max_tokens: number;
  system_prompt: string;
  prompt: string;
  large_prompt: string;
  expect_answer: string;
  budget: { daily_tokens: number; daily_requests: number };
  max_concurrency: number;
  start_jitter: boolean;
  probes: ProbeSpec[];
}

const retrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: false },
    max_attempts: { type: 'integer', minimum: 1, maximum: 5, default: 2 },
    backoff: durationSchema('1s', 'wait before a retry, e.g. 500ms, 2s'),
  },
  default: {},
};

const probeSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'letters, digits, _ . -' },
    kind: { enum: [...PROBE_KINDS] },
    interval: durationSchema('60s', 'how often the probe runs, e.g. 30s, 5m'),
    timeout: durationSchema('30s', 'request deadline, e.g. 10s'),
    model: { type: 'string' },
    max_tokens: { type: 'integer', minimum: 1 },
    prompt: { type: 'string' },
    expect_answer: { type: 'string' },
    include_usage: { type: 'boolean', default: true },
    prompt_sizes: {
      type: 'array',
      items: { enum: ['small', 'large'] },
      minItems: 1,
      uniqueItems: true,
      default: ['small'],
    },
    invalid: { enum: ['model', 'payload'], default: 'model' },
    invalid_model: { type: 'string', default: 'driftwatch-probe-nonexistent-model' },
    allow_in_production: { type: 'boolean', default: false },
    retry: retrySchema,
  },
};
// `timeout` must stay optional per probe (it inherits the target's); drop the default the helper adds.
delete (
  (probeSchema.properties as Record<string, Record<string, unknown>>).timeout as Record<string, unknown>
).default;

export const probeReceiverSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    base_url: { type: 'string', default: '', description: 'e.g. https://api.cometapi.com/v1' },
    path: { type: 'string', pattern: '^/', default: '/chat/completions', description: 'starts with /' },
    api_key: { type: 'string', default: '', 'x-secret': true },
    // Header values carry credentials (Authorization, api-key): all are secrets, like the Collector's configopaque.
    headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, 'x-secret': true },
    model: { type: 'string', default: 'gpt-4o-mini' },
    provider: { type: 'string', default: '' },
    contract: { type: 'string', default: '' },
    environment: { type: 'string', default: '' },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ca_file: { type: 'string', default: '' },
        server_name: { type: 'string', default: '' },
      },
      default: {},
    },
    proxy: { type: 'string', default: '' },
    dns_servers: { type: 'array', items: { type: 'string' }, default: [] },
    keep_alive: { type: 'boolean', default: false },
    timeout: durationSchema('30s', 'request deadline, e.g. 30s'),
    idle_timeout: durationSchema('15s', 'longest silence inside a response body, e.g. 15s'),
    connect_timeout: durationSchema('10s', 'DNS + TCP + TLS deadline, e.g. 10s'),
    max_body_bytes: { type: 'integer', minimum: 1024, default: 1048576 },
    max_stream_chunks: { type: 'integer', minimum: 1, default: 1000 },
    max_json_depth: {
      type: 'integer',
      minimum: 1,
      default: 64,
      description:
        'deepest JSON nesting of a body or stream event that is parsed and judged; deeper ones are not (parse too_deep)',
    },
    max_json_values: {
      type: 'integer',
      minimum: 1,
      default: 10000,
      description:
        'most JSON values in a body or stream event that is parsed and judged; larger ones are not (parse too_many_values)',
    },
    synthetic_header: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', default: 'X-Request-Source' },
        value: { type: 'string', default: 'synthetic-contract-probe' },
      },
      default: {},
    },
    user: { type: 'string', default: '' },
    metadata: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    max_tokens: { type: 'integer', minimum: 1, default: 16 },
    system_prompt: { type: 'string', default: '' },
    prompt: { type: 'string', default: 'Reply with exactly: pong.' },
    large_prompt: { type: 'string', default: '' },
    expect_answer: { type: 'string', default: 'pong' },
    budget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        daily_tokens: { type: 'integer', minimum: 0, default: 50000 },
        daily_requests: { type: 'integer', minimum: 0, default: 2000 },
      },
      default: {},
    },
    max_concurrency: { type: 'integer', minimum: 1, default: 4 },
    start_jitter: { type: 'boolean', default: true },
    probes: {
      type: 'array',
      items: probeSchema,
      default: [
        { name: 'chat', kind: 'chat', interval: '60s' },
        { name: 'stream', kind: 'chat_stream', interval: '60s' },
      ],
    },
  },
};
