// SPDX-License-Identifier: Apache-2.0
import { Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const statusSchema = Settings({
  /** Seconds between the page's own refreshes. */
  refresh_seconds: Type.Integer({ minimum: 1, maximum: 3600, default: 5 }),
  /** Recent drift / violation events kept per group. */
  recent_events: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }),
  /** Targets (receiver × provider × endpoint) kept; the least recently seen is evicted beyond this. */
  max_groups: Type.Integer({ minimum: 1, maximum: 10000, default: 200 }),
});

export type StatusConfig = Static<typeof statusSchema>;
