// SPDX-License-Identifier: Apache-2.0
import type { ProcessorFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { contractPathProblems } from '../../contract/config-field.js';
import { classifySchema } from './config.js';
import type { ClassifyConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('classify', () => import('./classify-processor.js'));

export const classifyProcessorFactory: ProcessorFactory<ClassifyConfig> = {
  type: 'classify',
  kind: 'processor',
  stability: 'alpha',
  description:
    'Assigns error class, sub-reason, owner, first action, runbook and retry decision (with Retry-After) from a data table plus contract overrides.',
  configSchema: classifySchema,
  createDefaultConfig: () => defaultsFromSchema<ClassifyConfig>(classifySchema),
  validate: (c) => contractPathProblems(c.contract),
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().ClassifyProcessor)(settings, config, next),
};
