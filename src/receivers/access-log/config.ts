// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { Duration } from '../../config/typed-schema.js';
import { JSON_FIELDS } from './parsers/json.js';
import type { FieldSpec } from './parsers/json.js';

export type AccessLogFormat =
  | 'nginx'
  | 'nginx_combined'
  | 'apache'
  | 'haproxy'
  | 'traefik_clf'
  | 'aws_alb'
  | 'envoy'
  | 'envoy_json'
  | 'json'
  | 'kong'
  | 'caddy'
  | 'traefik'
  | 'litellm'
  | 'regex';

export interface AccessLogConfig {
  include: string[];
  exclude: string[];
  start_at: 'end' | 'beginning';
  format: AccessLogFormat;
  /** nginx `log_format` (preset name, format string, or the whole directive) or Envoy format. */
  log_format: string;
  escape?: 'default' | 'json' | 'none';
  /** json: field mapping, merged over the preset of `format`. */
  fields: Record<string, FieldSpec>;
  /** regex: pattern with named groups. */
  regex: string;
  provider: string;
  /** `gateway` label of the records; empty = the receiver's name. */
  gateway: string;
  max_upstreams: number;
  routes: string[];
  max_routes: number;
  max_models: number;
  /** Milliseconds (the YAML says e.g. `200ms`; the loader converts). */
  poll_interval: number;
  scan_interval: number;
  fingerprint_size: number;
  max_line_bytes: number;
  max_bytes_per_poll: number;
  max_files: number;
  batch_size: number;
  max_inflight_batches: number;
  force_flush_period: number;
  rotate_wait: number;
  checkpoints: boolean;
}

const fieldSpec = {
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: {
        path: { type: 'string', minLength: 1 },
        unit: { type: 'string', enum: ['s', 'ms', 'us', 'ns'] },
      },
    },
  ],
};

export const accessLogSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    include: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description: 'file globs (`*`, `?`, `[..]` in the file name part) re-evaluated every scan_interval',
    },
    exclude: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: ['*.zip', '*.bz2', '*.xz'],
      description:
        'globs of files never read; a .gz in the include globs is read only to continue a known stream (logrotate compress)',
    },
    start_at: { type: 'string', enum: ['end', 'beginning'], default: 'end' },
    format: {
      type: 'string',
      enum: [
        'nginx',
        'nginx_combined',
        'apache',
        'haproxy',
        'traefik_clf',
        'aws_alb',
        'envoy',
        'envoy_json',
        'json',
        'kong',
        'caddy',
        'traefik',
        'litellm',
        'regex',
      ],
      default: 'nginx_combined',
    },
    log_format: {
      type: 'string',
      default: '',
      description:
        "your format as the gateway's config writes it: nginx log_format, Apache LogFormat, HAProxy log-format, Envoy format (or a preset name); empty = the default",
    },
    escape: { type: 'string', enum: ['default', 'json', 'none'] },
    fields: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: Object.fromEntries(JSON_FIELDS.map((f) => [f, fieldSpec])),
    },
    regex: { type: 'string', default: '' },
    provider: { type: 'string', minLength: 1, default: 'gateway' },
    gateway: {
      type: 'string',
      default: '',
      description:
        "`gateway` label of this receiver's calls; empty = the receiver's name (`access_log/nginx` → nginx)",
    },
    max_upstreams: {
      type: 'integer',
      minimum: 1,
      default: 50,
      description: 'distinct upstream members counted by name before new ones become `other`',
    },
    routes: { type: 'array', items: { type: 'string', pattern: '^/' }, default: [] },
    max_routes: { type: 'integer', minimum: 1, default: 100 },
    max_models: { type: 'integer', minimum: 1, default: 100 },
    poll_interval: Duration('200ms', 'how often files are read'),
    scan_interval: Duration('1s', 'how often include/exclude globs are re-evaluated'),
    fingerprint_size: { type: 'integer', minimum: 16, maximum: 65536, default: 1000 },
    max_line_bytes: { type: 'integer', minimum: 256, default: 65536 },
    max_bytes_per_poll: { type: 'integer', minimum: 4096, default: 4194304 },
    max_files: { type: 'integer', minimum: 1, default: 64 },
    batch_size: { type: 'integer', minimum: 1, default: 1024 },
    max_inflight_batches: {
      type: 'integer',
      minimum: 1,
      default: 4,
      description:
        'batches sent and not yet acknowledged before reading pauses; batch_size × this bounds the lines repeated after kill -9',
    },
    force_flush_period: Duration('5s', 'emit a last line without newline after this quiet period; 0 = never'),
    rotate_wait: Duration('10s', 'keep reading a rotated or deleted file this long after its last growth'),
    checkpoints: { type: 'boolean', default: true },
  },
};
