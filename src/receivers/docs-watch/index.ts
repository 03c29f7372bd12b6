// SPDX-License-Identifier: Apache-2.0
import type { ReceiverFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { docsWatchSchema } from './config.js';
import type { DocsWatchConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('docs_watch', () => import('./docs-watch.js'));

export const docsWatchFactory: ReceiverFactory<DocsWatchConfig> = {
  type: 'docs_watch',
  kind: 'receiver',
  stability: 'alpha',
  description:
    'Watches documentation pages and emits a docs.changed event when their normalised text changes.',
  configSchema: docsWatchSchema,
  createDefaultConfig: () => defaultsFromSchema<DocsWatchConfig>(docsWatchSchema),
  validate(config) {
    const problems = [];
    if (config.retry_backoff > config.max_backoff)
      problems.push({ path: ['retry_backoff'], message: 'must not be longer than max_backoff' });
    if (config.interval < 60_000)
      problems.push({
        path: ['interval'],
        message: 'must be at least 1m: documentation sites are not to be hammered',
      });
    return problems;
  },
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().DocsWatchReceiver)(settings, config, next),
};
