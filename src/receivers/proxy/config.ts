// SPDX-License-Identifier: Apache-2.0
// Configuration of the `proxy` receiver: where it listens, the upstream it forwards to, how it
// reaches that upstream (TLS, HTTP(S) proxy), its limits, which paths are judged, and sampling.
import { Duration, Enum, Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';
import { jsonLimitOptions } from '../../config/json-limit-options.js';

export const DEFAULT_JUDGE_PATHS = ['/v1/chat/completions', '/chat/completions'];

export const proxyReceiverSchema = Settings({
  endpoint: Type.String({
    default: '127.0.0.1:8787',
    description: 'host:port to listen on; loopback unless you mean otherwise',
  }),
  upstream: Type.String({
    default: '',
    description: 'base URL requests are forwarded to, e.g. https://api.openai.com',
  }),
  provider: Type.String({ default: '' }),
  contract: Type.String({ default: '' }),
  environment: Type.String({ default: '' }),
  tls: Settings(
    {
      ca_file: Type.String({
        default: '',
        description: 'PEM file of extra CAs trusted for the upstream',
      }),
      server_name: Type.String({ default: '' }),
      insecure_skip_verify: Type.Boolean({
        default: false,
        description: 'turn certificate verification off (tests only)',
      }),
    },
    { default: {} },
  ),
  proxy: Type.String({
    default: '',
    description: 'HTTP(S) proxy for the upstream; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY',
  }),
  timeout: Duration('10m', 'longest wait for the upstream response headers, e.g. 120s'),
  idle_timeout: Duration('5m', 'longest silence inside an upstream response body, e.g. 60s'),
  connect_timeout: Duration('10s', 'DNS + TCP + TLS deadline to the upstream, e.g. 10s'),
  max_request_bytes: Type.Integer({
    minimum: 1024,
    default: 16777216,
    description: 'larger requests are refused with 413',
  }),
  max_body_bytes: Type.Integer({
    minimum: 1024,
    default: 1048576,
    description: 'judge limit: larger bodies pass through unjudged (counted)',
  }),
  max_stream_chunks: Type.Integer({ minimum: 1, default: 1000 }),
  ...jsonLimitOptions,
  judge_paths: Type.Array(Type.String({ pattern: '^/' }), {
    default: [...DEFAULT_JUDGE_PATHS],
    description: 'paths judged as chat completions; a trailing * matches a prefix',
  }),
  other_paths: Enum(['pass_through', 'refuse'], {
    default: 'pass_through',
    description: 'what happens to a path not in judge_paths',
  }),
  sample: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 1,
    description: 'share of judged calls that become records; every call is still counted',
  }),
  tenant: Settings(
    {
      header: Type.String({ default: '', description: 'request header naming the tenant' }),
      hmac_key: Type.String({ default: '', 'x-secret': true }),
    },
    { default: {} },
  ),
  synthetic_header: Settings(
    {
      name: Type.String({ default: 'X-Request-Source' }),
      value: Type.String({ default: 'synthetic-contract-probe' }),
    },
    { default: {} },
  ),
  forward_thread: Type.Boolean({
    default: false,
    description:
      'forward calls on a thread of their own, so judging never delays one; for hosts with a spare core (~20-30 MiB more memory)',
  }),
  max_pending_records: Type.Integer({
    minimum: 1,
    default: 4096,
    description: 'records waiting for the pipeline; beyond this they are dropped (counted)',
  }),
  check: Settings(
    {
      model: Type.String({ default: 'gpt-4o-mini', description: 'model of the synthetic call' }),
      api_key: Type.String({
        default: '',
        'x-secret': true,
        description: 'Bearer key the synthetic call sends, e.g. ${env:OPENAI_API_KEY}; empty: none',
      }),
    },
    {
      default: {},
      description:
        '`driftwatch check` sends one synthetic chat completion through the proxy (marked with synthetic_header) and judges it',
    },
  ),
});

export type ProxyReceiverConfig = Static<typeof proxyReceiverSchema>;
export type OtherPaths = ProxyReceiverConfig['other_paths'];
