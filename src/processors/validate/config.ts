// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { contractPathSchema } from '../../contract/config-field.js';

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
    contract: contractPathSchema,
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
