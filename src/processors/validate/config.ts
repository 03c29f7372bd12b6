// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { DEFAULT_CONTRACT } from '../../contract/load.js';

export interface ValidateConfig {
  /** Contract for records whose receiver names none (`target.contract`). */
  contract: string;
  /** Shape fingerprints and drift events for new shapes. */
  shapes: { enabled: boolean; persist: boolean; max_keys: number; max_shapes_per_key: number };
  /** Upper bound of findings per record (keeps memory and log lines bounded). */
  max_findings: number;
}

export const validateSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    contract: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_CONTRACT,
      description: 'contract file; relative paths are tried against the working directory, then the package',
    },
    shapes: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        persist: { type: 'boolean', default: true },
        max_keys: { type: 'integer', minimum: 1, maximum: 4096, default: 256 },
        max_shapes_per_key: { type: 'integer', minimum: 1, maximum: 256, default: 16 },
      },
    },
    max_findings: { type: 'integer', minimum: 1, maximum: 64, default: 16 },
  },
};
