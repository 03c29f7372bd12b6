// SPDX-License-Identifier: Apache-2.0
// Configuration of the `proxy` receiver: where it listens, the upstream it forwards to, how it
// reaches that upstream (TLS, HTTP(S) proxy), its limits, which paths are judged, and sampling.
import type { JsonSchema } from '../../component/factory.js';
import { durationSchema } from '../../util/duration.js';

export type OtherPaths = 'pass_through' | 'refuse';

export interface ProxyReceiverConfig {
  endpoint: string;
  upstream: string;
  provider: string;
  contract: string;
  environment: string;
  tls: { ca_file: string; server_name: string; insecure_skip_verify: boolean };
  proxy: string;
  timeout: string | number;
  idle_timeout: string | number;
  connect_timeout: string | number;
  max_request_bytes: number;
  max_body_bytes: number;
  max_stream_chunks: number;
  max_json_depth: number;
  max_json_values: number;
  judge_paths: string[];
  other_paths: OtherPaths;
  sample: number;
  tenant: { header: string; hmac_key: string };
  synthetic_header: { name: string; value: string };
  max_pending_records: number;
}

export const DEFAULT_JUDGE_PATHS = ['/v1/chat/completions', '/chat/completions'];

export const proxyReceiverSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: {
      type: 'string',
      default: '127.0.0.1:8787',
      description: 'host:port to listen on; loopback unless you mean otherwise',
    },
    upstream: {
      type: 'string',
      default: '',
      description: 'base URL requests are forwarded to, e.g. https://api.openai.com',
    },
    provider: { type: 'string', default: '' },
    contract: { type: 'string', default: '' },
    environment: { type: 'string', default: '' },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ca_file: {
          type: 'string',
          default: '',
          description: 'PEM file of extra CAs trusted for the upstream',
        },
        server_name: { type: 'string', default: '' },
        insecure_skip_verify: {
          type: 'boolean',
          default: false,
          description: 'turn certificate verification off (tests only)',
        },
      },
      default: {},
    },
    proxy: {
      type: 'string',
      default: '',
      description: 'HTTP(S) proxy for the upstream; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY',
    },
    timeout: durationSchema('10m', 'longest wait for the upstream response headers, e.g. 120s'),
    idle_timeout: durationSchema('5m', 'longest silence inside an upstream response body, e.g. 60s'),
    connect_timeout: durationSchema('10s', 'DNS + TCP + TLS deadline to the upstream, e.g. 10s'),
    max_request_bytes: {
      type: 'integer',
      minimum: 1024,
      default: 16777216,
      description: 'larger requests are refused with 413',
    },
    max_body_bytes: {
      type: 'integer',
      minimum: 1024,
      default: 1048576,
      description: 'judge limit: larger bodies pass through unjudged (counted)',
    },
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
    judge_paths: {
      type: 'array',
      items: { type: 'string', pattern: '^/' },
      default: [...DEFAULT_JUDGE_PATHS],
      description: 'paths judged as chat completions; a trailing * matches a prefix',
    },
    other_paths: {
      enum: ['pass_through', 'refuse'],
      default: 'pass_through',
      description: 'what happens to a path not in judge_paths',
    },
    sample: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 1,
      description: 'share of judged calls that become records; every call is still counted',
    },
    tenant: {
      type: 'object',
      additionalProperties: false,
      properties: {
        header: { type: 'string', default: '', description: 'request header naming the tenant' },
        hmac_key: { type: 'string', default: '', 'x-secret': true },
      },
      default: {},
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
    max_pending_records: {
      type: 'integer',
      minimum: 1,
      default: 4096,
      description: 'records waiting for the pipeline; beyond this they are dropped (counted)',
    },
  },
};
