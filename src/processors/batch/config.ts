// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { durationSchema } from '../../util/duration.js';

export interface BatchConfig {
  send_batch_size: number;
  send_batch_max_size: number;
  timeout: string | number;
}

export const batchSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    send_batch_size: { type: 'integer', minimum: 1, default: 8192 },
    send_batch_max_size: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description: '0 means no upper limit beyond send_batch_size',
    },
    timeout: durationSchema('200ms', 'how long to wait for a batch to fill, e.g. 200ms'),
  },
};
