// SPDX-License-Identifier: Apache-2.0
import { Enum, Settings } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const debugSchema = Settings({
  /** basic: one line per batch; detailed: one line per record. */
  verbosity: Enum(['basic', 'detailed'], { default: 'basic' }),
  /** Where to write: stdout (default) or stderr. */
  output: Enum(['stdout', 'stderr'], { default: 'stdout' }),
});

export type DebugConfig = Static<typeof debugSchema>;
