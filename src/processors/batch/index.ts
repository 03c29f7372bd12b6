// SPDX-License-Identifier: Apache-2.0
import type { ProcessorFactory } from '../../component/factory.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { BatchProcessor } from './batch-processor.js';
import { batchSchema } from './config.js';
import type { BatchConfig } from './config.js';

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
  create: (settings, config, next) => new BatchProcessor(settings, config, next),
};
