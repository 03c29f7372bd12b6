// SPDX-License-Identifier: Apache-2.0
// Configuration of the `probe` receiver: one target (an OpenAI-compatible chat-completions
// endpoint) and several probes against it, each with its own kind and interval.
import { Duration, Enum, Settings, StringMap, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';
import { jsonLimitOptions } from '../../config/json-limit-options.js';

export const PROBE_KINDS = ['chat', 'chat_stream', 'invalid_request', 'timeout_boundary', 'usage'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];
export type PromptSize = 'small' | 'large';

const retrySchema = Settings(
  {
    enabled: Type.Boolean({ default: false }),
    max_attempts: Type.Integer({ minimum: 1, maximum: 5, default: 2 }),
    backoff: Duration('1s', 'wait before a retry, e.g. 500ms, 2s'),
  },
  { default: {} },
);

const probeSchema = Settings({
  name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'letters, digits, _ . -' }),
  kind: Enum(PROBE_KINDS),
  interval: Duration('60s', 'how often the probe runs, e.g. 30s, 5m'),
  /** Per-probe deadline; falls back to the target's `timeout` (timeout_boundary: 1s). */
  timeout: Type.Optional(Duration(undefined, 'request deadline, e.g. 10s')),
  model: Type.Optional(Type.String()),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  prompt: Type.Optional(Type.String()),
  /** Soft answer check: a case-insensitive substring the answer should contain. */
  expect_answer: Type.Optional(Type.String()),
  /** chat_stream: ask for `stream_options.include_usage`. */
  include_usage: Type.Boolean({ default: true }),
  /** Run the probe once per listed prompt size on each tick. */
  prompt_sizes: Type.Array(Enum(['small', 'large'] as const), {
    minItems: 1,
    uniqueItems: true,
    default: ['small'],
  }),
  /** invalid_request: `model` (a model id that does not exist) or `payload` (malformed messages). */
  invalid: Enum(['model', 'payload'] as const, { default: 'model' }),
  invalid_model: Type.String({ default: 'driftwatch-probe-nonexistent-model' }),
  /** invalid_request only: allow it in `environment: production`. */
  allow_in_production: Type.Boolean({ default: false }),
  retry: retrySchema,
});

export const probeReceiverSchema = Settings({
  base_url: Type.String({ default: '', description: 'e.g. https://api.cometapi.com/v1' }),
  path: Type.String({ pattern: '^/', default: '/chat/completions', description: 'starts with /' }),
  api_key: Type.String({ default: '', 'x-secret': true }),
  // Header values carry credentials (Authorization, api-key): all are secrets, like the Collector's configopaque.
  headers: StringMap({ 'x-secret': true }),
  model: Type.String({ default: 'gpt-4o-mini' }),
  provider: Type.String({ default: '' }),
  contract: Type.String({ default: '' }),
  environment: Type.String({ default: '' }),
  tls: Settings(
    {
      ca_file: Type.String({ default: '' }),
      server_name: Type.String({ default: '' }),
    },
    { default: {} },
  ),
  proxy: Type.String({ default: '' }),
  dns_servers: Type.Array(Type.String(), { default: [] }),
  keep_alive: Type.Boolean({ default: false }),
  timeout: Duration('30s', 'request deadline, e.g. 30s'),
  idle_timeout: Duration('15s', 'longest silence inside a response body, e.g. 15s'),
  connect_timeout: Duration('10s', 'DNS + TCP + TLS deadline, e.g. 10s'),
  max_body_bytes: Type.Integer({ minimum: 1024, default: 1048576 }),
  max_stream_chunks: Type.Integer({ minimum: 1, default: 1000 }),
  ...jsonLimitOptions,
  synthetic_header: Settings(
    {
      name: Type.String({ default: 'X-Request-Source' }),
      value: Type.String({ default: 'synthetic-contract-probe' }),
    },
    { default: {} },
  ),
  user: Type.String({ default: '' }),
  metadata: StringMap(),
  max_tokens: Type.Integer({ minimum: 1, default: 16 }),
  system_prompt: Type.String({ default: '' }),
  prompt: Type.String({ default: 'Reply with exactly: pong.' }),
  large_prompt: Type.String({ default: '' }),
  expect_answer: Type.String({ default: 'pong' }),
  budget: Settings(
    {
      daily_tokens: Type.Integer({ minimum: 0, default: 50000 }),
      daily_requests: Type.Integer({ minimum: 0, default: 2000 }),
    },
    { default: {} },
  ),
  max_concurrency: Type.Integer({ minimum: 1, default: 4 }),
  start_jitter: Type.Boolean({ default: true }),
  probes: Type.Array(probeSchema, {
    default: [
      { name: 'chat', kind: 'chat', interval: '60s' },
      { name: 'stream', kind: 'chat_stream', interval: '60s' },
    ],
  }),
});

export type ProbeReceiverConfig = Static<typeof probeReceiverSchema>;
export type ProbeSpec = ProbeReceiverConfig['probes'][number];
export type RetryConfig = ProbeSpec['retry'];
