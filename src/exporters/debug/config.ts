// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';

export interface DebugConfig {
  /** basic: one line per batch; detailed: one line per record. */
  verbosity: 'basic' | 'detailed';
  /** Where to write: stdout (default) or stderr. */
  output: 'stdout' | 'stderr';
}

export const debugSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    verbosity: { enum: ['basic', 'detailed'], default: 'basic' },
    output: { enum: ['stdout', 'stderr'], default: 'stdout' },
  },
};
