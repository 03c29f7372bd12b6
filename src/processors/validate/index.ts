// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from '../../component/errors.js';
import type { ProcessorFactory } from '../../component/factory.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { loadContract } from '../../contract/load.js';
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
  validate: (c) => {
    try {
      loadContract(c.contract);
      return [];
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [(err as Error).message];
      return problems.map((message) => ({ path: ['contract'], message }));
    }
  },
  create: (settings, config, next) => new ValidateProcessor(settings, config, next),
};

/** The default config works as is (the shipped OpenAI contract); nothing to override. */
export const validateComplianceOverrides = {};
