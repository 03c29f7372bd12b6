// SPDX-License-Identifier: Apache-2.0
import { Duration, Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const batchSchema = Settings({
  send_batch_size: Type.Integer({ minimum: 1, default: 8192 }),
  send_batch_max_size: Type.Integer({
    minimum: 0,
    default: 0,
    description: '0 means no upper limit beyond send_batch_size',
  }),
  timeout: Duration('200ms', 'how long to wait for a batch to fill, e.g. 200ms'),
});

export type BatchConfig = Static<typeof batchSchema>;
