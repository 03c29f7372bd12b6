// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { contractPathSchema } from '../../contract/config-field.js';

export interface ClassifyConfig {
  /** Contract whose error rules and class overrides apply when a record names none. */
  contract: string;
  /** Keep the provider request id (incident evidence) on the record. */
  keep_request_id: boolean;
}

export const classifySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    contract: contractPathSchema,
    keep_request_id: { type: 'boolean', default: true },
  },
};
