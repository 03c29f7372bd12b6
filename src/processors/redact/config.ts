// SPDX-License-Identifier: Apache-2.0
import { Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

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

export const redactSchema = Settings({
  /** Keep prompt and completion text (bodies, chunks, content). Off: only for an allowing data policy. */
  keep_content: Type.Boolean({ default: false }),
  /** Response headers kept (lower-case; a trailing `*` is a prefix). Everything else is removed. */
  allowed_headers: Type.Array(Type.String(), { default: DEFAULT_ALLOWED_HEADERS }),
  /** Value patterns applied to every remaining string. */
  patterns: Settings(
    {
      bearer: Type.Boolean({ default: true }),
      api_keys: Type.Boolean({ default: true }),
      emails: Type.Boolean({ default: true }),
      extra: Type.Array(Type.String(), { default: [] }),
    },
    { default: {} },
  ),
  /** Environment variable holding the HMAC key for tenant / user ids. */
  hmac_key_env: Type.String({
    pattern: '^[A-Z_][A-Z0-9_]*$',
    default: 'DRIFTWATCH_HMAC_KEY',
    description: 'an environment variable name',
  }),
  /** Record fields hashed with the keyed HMAC (dotted paths). */
  hmac_fields: Type.Array(Type.String(), {
    default: ['request.tenant', 'extra.tenant', 'extra.user', 'extra.user_id', 'extra.remote_user'],
  }),
});

export type RedactConfig = Static<typeof redactSchema>;
