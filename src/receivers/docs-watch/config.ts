// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { durationSchema } from '../../util/duration.js';

export interface DocsWatchConfig {
  /** Documentation pages to watch (http/https). */
  urls: string[];
  /** Contract files whose `documentation.url` / `documentation_url` is watched too. */
  contracts: string[];
  interval: string | number;
  initial_delay: string | number;
  timeout: string | number;
  max_body_bytes: number;
  user_agent: string;
  retry_backoff: string | number;
  max_backoff: string | number;
}

export const DEFAULT_USER_AGENT =
  'driftwatch-docs-watch/0.1 (LLM API contract documentation watch; polls slowly, honours ETag)';

export const docsWatchSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    urls: {
      type: 'array',
      items: { type: 'string', pattern: '^https?://[^\\s]+$' },
      default: [],
      description: 'Documentation URLs to watch (http or https).',
    },
    contracts: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description:
        'Contract files (relative to the working directory); their `documentation.url` or `documentation_url` is watched. Files without one are skipped.',
    },
    interval: durationSchema('6h', 'how often each page is checked, e.g. 6h'),
    initial_delay: durationSchema('1m', 'wait before the first check after start, e.g. 1m'),
    timeout: durationSchema('30s', 'deadline for one fetch, headers and body, e.g. 30s'),
    max_body_bytes: {
      type: 'integer',
      minimum: 1024,
      default: 5_242_880,
      description: 'Larger pages are not hashed (counted as an error).',
    },
    user_agent: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_USER_AGENT,
      description: 'User-Agent header; names the tool so site owners know who polls them.',
    },
    retry_backoff: durationSchema('15m', 'first wait after a failed fetch; doubles per failure, e.g. 15m'),
    max_backoff: durationSchema('24h', 'longest wait between retries of a failing page, e.g. 24h'),
  },
};
