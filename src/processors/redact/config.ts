// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';

export interface RedactConfig {
  /** Keep prompt and completion text (bodies, chunks, content). Off: only for an allowing data policy. */
  keep_content: boolean;
  /** Response headers kept (lower-case; a trailing `*` is a prefix). Everything else is removed. */
  allowed_headers: string[];
  /** Value patterns applied to every remaining string. */
  patterns: { bearer: boolean; api_keys: boolean; emails: boolean; extra: string[] };
  /** Environment variable holding the HMAC key for tenant / user ids. */
  hmac_key_env: string;
  /** Record fields hashed with the keyed HMAC (dotted paths). */
  hmac_fields: string[];
}

export const DEFAULT_ALLOWED_HEADERS = [
  'content-type',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'x-request-id',
  'request-id',
  'apim-request-id',
  'x-generation-id',
  'openai-processing-ms',
  'openai-version',
  'x-ratelimit-*',
  'x-ms-region',
  'x-groq-region',
];

export const redactSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keep_content: { type: 'boolean', default: false },
    allowed_headers: { type: 'array', items: { type: 'string' }, default: DEFAULT_ALLOWED_HEADERS },
    patterns: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bearer: { type: 'boolean', default: true },
        api_keys: { type: 'boolean', default: true },
        emails: { type: 'boolean', default: true },
        extra: { type: 'array', items: { type: 'string' }, default: [] },
      },
    },
    hmac_key_env: {
      type: 'string',
      pattern: '^[A-Z_][A-Z0-9_]*$',
      default: 'DRIFTWATCH_HMAC_KEY',
      description: 'an environment variable name',
    },
    hmac_fields: {
      type: 'array',
      items: { type: 'string' },
      default: ['request.tenant', 'extra.tenant', 'extra.user', 'extra.user_id', 'extra.remote_user'],
    },
  },
};
