// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';

export interface StatusConfig {
  /** Seconds between the page's own refreshes. */
  refresh_seconds: number;
  /** Recent drift / violation events kept per group. */
  recent_events: number;
  /** Targets (receiver × provider × endpoint) kept; the least recently seen is evicted beyond this. */
  max_groups: number;
}

export const statusSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    refresh_seconds: { type: 'integer', minimum: 1, maximum: 3600, default: 5 },
    recent_events: { type: 'integer', minimum: 0, maximum: 1000, default: 20 },
    max_groups: { type: 'integer', minimum: 1, maximum: 10000, default: 200 },
  },
};
