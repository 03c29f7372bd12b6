// SPDX-License-Identifier: Apache-2.0
import type { ProcessorFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { contractPathProblems } from '../../contract/config-field.js';
import { validateSchema } from './config.js';
import type { ValidateConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('validate', () => import('./validate-processor.js'));

export const validateProcessorFactory: ProcessorFactory<ValidateConfig> = {
  type: 'validate',
  kind: 'processor',
  stability: 'alpha',
  description:
    'Judges each call against its contract (ok / drift / violation with bounded findings), checks usage and stream assembly, and announces new response shapes once.',
  configSchema: validateSchema,
  createDefaultConfig: () => defaultsFromSchema<ValidateConfig>(validateSchema),
  validate: (c) => contractPathProblems(c.contract),
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().ValidateProcessor)(settings, config, next),
};
