// SPDX-License-Identifier: Apache-2.0
import { Duration, Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const DEFAULT_USER_AGENT =
  'driftwatch-docs-watch/0.1 (LLM API contract documentation watch; polls slowly, honours ETag)';

export const docsWatchSchema = Settings({
  urls: Type.Array(Type.String({ pattern: '^https?://[^\\s]+$' }), {
    default: [],
    description: 'Documentation URLs to watch (http or https).',
  }),
  contracts: Type.Array(Type.String({ minLength: 1 }), {
    default: [],
    description:
      'Contract files (relative to the working directory); their `documentation.url` or `documentation_url` is watched. Files without one are skipped.',
  }),
  interval: Duration('6h', 'how often each page is checked, e.g. 6h'),
  initial_delay: Duration('1m', 'wait before the first check after start, e.g. 1m'),
  timeout: Duration('30s', 'deadline for one fetch, headers and body, e.g. 30s'),
  max_body_bytes: Type.Integer({
    minimum: 1024,
    default: 5_242_880,
    description: 'Larger pages are not hashed (counted as an error).',
  }),
  user_agent: Type.String({
    minLength: 1,
    default: DEFAULT_USER_AGENT,
    description: 'User-Agent header; names the tool so site owners know who polls them.',
  }),
  retry_backoff: Duration('15m', 'first wait after a failed fetch; doubles per failure, e.g. 15m'),
  max_backoff: Duration('24h', 'longest wait between retries of a failing page, e.g. 24h'),
});

export type DocsWatchConfig = Static<typeof docsWatchSchema>;
