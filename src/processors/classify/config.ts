// SPDX-License-Identifier: Apache-2.0
import { Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';
import { contractPathSchema } from '../../contract/config-field.js';

export const classifySchema = Settings({
  /** Contract whose error rules and class overrides apply when a record names none. */
  contract: Type.Unsafe<string>(contractPathSchema),
  /** Keep the provider request id (incident evidence) on the record. */
  keep_request_id: Type.Boolean({ default: true }),
});

export type ClassifyConfig = Static<typeof classifySchema>;
