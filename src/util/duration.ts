// SPDX-License-Identifier: Apache-2.0
// Duration strings in component configs: `500ms`, `10s`, `5m`, `1h`, `1d`.
export { parseDurationMs } from '../config/process-settings.js';

/** JSON Schema fragment for a duration field. */
export function durationSchema(def: string, description: string): Record<string, unknown> {
  return {
    type: ['string', 'number'],
    pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$',
    default: def,
    description,
  };
}
