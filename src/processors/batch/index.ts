// SPDX-License-Identifier: Apache-2.0
import type { ProcessorFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { batchSchema } from './config.js';
import type { BatchConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('batch', () => import('./batch-processor.js'));

export const batchProcessorFactory: ProcessorFactory<BatchConfig> = {
  type: 'batch',
  kind: 'processor',
  stability: 'beta',
  description: 'Groups records into larger batches by size or timeout, carrying acknowledgements through.',
  configSchema: batchSchema,
  createDefaultConfig: () => defaultsFromSchema<BatchConfig>(batchSchema),
  validate: (c) =>
    c.send_batch_max_size !== 0 && c.send_batch_max_size < c.send_batch_size
      ? [{ path: ['send_batch_max_size'], message: 'must be 0 or at least send_batch_size' }]
      : [],
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().BatchProcessor)(settings, config, next),
};
