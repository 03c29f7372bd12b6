// SPDX-License-Identifier: Apache-2.0
import type { ProcessorFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { redactSchema } from './config.js';
import type { RedactConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('redact', () => import('./redact-processor.js'));

export const redactProcessorFactory: ProcessorFactory<RedactConfig> = {
  type: 'redact',
  kind: 'processor',
  stability: 'alpha',
  description:
    'Drops prompt/completion text, keeps allow-listed headers, masks secrets, tokens and e-mails, HMACs tenant/user ids, and counts what it did.',
  configSchema: redactSchema,
  createDefaultConfig: () => defaultsFromSchema<RedactConfig>(redactSchema),
  validate: (c) => {
    const problems = [];
    for (const [i, src] of c.patterns.extra.entries()) {
      try {
        new RegExp(src);
      } catch (err) {
        problems.push({
          path: ['patterns', 'extra', String(i)],
          message: `not a valid regular expression: ${(err as Error).message}`,
        });
      }
    }
    return problems;
  },
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().RedactProcessor)(settings, config, next),
};
