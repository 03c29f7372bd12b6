// SPDX-License-Identifier: Apache-2.0
import type { ProcessorFactory } from '../../component/factory.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { contractPathProblems } from '../../contract/config-field.js';
import { validateSchema } from './config.js';
import type { ValidateConfig } from './config.js';
import { ValidateProcessor } from './validate-processor.js';

export const validateProcessorFactory: ProcessorFactory<ValidateConfig> = {
  type: 'validate',
  kind: 'processor',
  stability: 'alpha',
  description:
    'Judges each call against its contract (ok / drift / violation with bounded findings), checks usage and stream assembly, and announces new response shapes once.',
  configSchema: validateSchema,
  createDefaultConfig: () => defaultsFromSchema<ValidateConfig>(validateSchema),
  validate: (c) => contractPathProblems(c.contract),
  create: (settings, config, next) => new ValidateProcessor(settings, config, next),
};
