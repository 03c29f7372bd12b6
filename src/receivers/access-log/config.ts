// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { Duration, Enum, Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';
import { JSON_FIELDS } from './parsers/json.js';
import type { FieldSpec } from './parsers/json.js';

export const ACCESS_LOG_FORMATS = [
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
] as const;
export type AccessLogFormat = (typeof ACCESS_LOG_FORMATS)[number];

const fieldSpec: JsonSchema = {
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

export const accessLogSchema = Settings({
  include: Type.Array(Type.String({ minLength: 1 }), {
    default: [],
    description: 'file globs (`*`, `?`, `[..]` in the file name part) re-evaluated every scan_interval',
  }),
  exclude: Type.Array(Type.String({ minLength: 1 }), {
    default: ['*.zip', '*.bz2', '*.xz'],
    description:
      'globs of files never read; a .gz in the include globs is read only to continue a known stream (logrotate compress)',
  }),
  start_at: Enum(['end', 'beginning'], { type: 'string', default: 'end' }),
  format: Enum(ACCESS_LOG_FORMATS, { type: 'string', default: 'nginx_combined' }),
  /** nginx `log_format` (preset name, format string, or the whole directive) or Envoy format. */
  log_format: Type.String({
    default: '',
    description:
      "your format as the gateway's config writes it: nginx log_format, Apache LogFormat, HAProxy log-format, Envoy format (or a preset name); empty = the default",
  }),
  escape: Type.Optional(Enum(['default', 'json', 'none'], { type: 'string' })),
  /** json: field mapping, merged over the preset of `format`. */
  fields: Type.Unsafe<Record<string, FieldSpec>>({
    type: 'object',
    default: {},
    additionalProperties: false,
    properties: Object.fromEntries(JSON_FIELDS.map((f) => [f, fieldSpec])),
  }),
  /** regex: pattern with named groups. */
  regex: Type.String({ default: '' }),
  provider: Type.String({ minLength: 1, default: 'gateway' }),
  /** `gateway` label of the records; empty = the receiver's name. */
  gateway: Type.String({
    default: '',
    description:
      "`gateway` label of this receiver's calls; empty = the receiver's name (`access_log/nginx` → nginx)",
  }),
  max_upstreams: Type.Integer({
    minimum: 1,
    default: 50,
    description: 'distinct upstream members counted by name before new ones become `other`',
  }),
  routes: Type.Array(Type.String({ pattern: '^/' }), { default: [] }),
  max_routes: Type.Integer({ minimum: 1, default: 100 }),
  max_models: Type.Integer({ minimum: 1, default: 100 }),
  poll_interval: Duration('200ms', 'how often files are read'),
  scan_interval: Duration('1s', 'how often include/exclude globs are re-evaluated'),
  fingerprint_size: Type.Integer({ minimum: 16, maximum: 65536, default: 1000 }),
  max_line_bytes: Type.Integer({ minimum: 256, default: 65536 }),
  max_bytes_per_poll: Type.Integer({ minimum: 4096, default: 4194304 }),
  max_files: Type.Integer({ minimum: 1, default: 64 }),
  batch_size: Type.Integer({ minimum: 1, default: 1024 }),
  max_inflight_batches: Type.Integer({
    minimum: 1,
    default: 4,
    description:
      'batches sent and not yet acknowledged before reading pauses; batch_size × this bounds the lines repeated after kill -9',
  }),
  force_flush_period: Duration('5s', 'emit a last line without newline after this quiet period; 0 = never'),
  rotate_wait: Duration('10s', 'keep reading a rotated or deleted file this long after its last growth'),
  checkpoints: Type.Boolean({ default: true }),
});

export type AccessLogConfig = Static<typeof accessLogSchema>;
