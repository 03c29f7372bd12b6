// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { DEFAULT_CONTRACT } from '../../contract/load.js';

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
    contract: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_CONTRACT,
      description: 'contract file; relative paths are tried against the working directory, then the package',
    },
    keep_request_id: { type: 'boolean', default: true },
  },
};
