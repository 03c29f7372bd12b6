// SPDX-License-Identifier: Apache-2.0
import type { ReceiverFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { accessLogSchema } from './config.js';
import type { AccessLogConfig } from './config.js';
import { createLineParser } from './parsers/create.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('access_log', () => import('./access-log-receiver.js'));

export const accessLogReceiverFactory: ReceiverFactory<AccessLogConfig> = {
  type: 'access_log',
  kind: 'receiver',
  stability: 'alpha',
  description:
    'Tails gateway access logs (nginx, Apache, HAProxy, Envoy, Traefik, AWS ALB, JSON gateways, regex) through rotation, one CallRecord per line, checkpoints on acknowledgement.',
  configSchema: accessLogSchema,
  createDefaultConfig: () => defaultsFromSchema<AccessLogConfig>(accessLogSchema),
  validate: (c) => {
    const problems: { path: string[]; message: string }[] = [];
    if (c.include.length === 0) problems.push({ path: ['include'], message: 'needs at least one file glob' });
    try {
      createLineParser(c);
    } catch (err) {
      problems.push({ path: ['format'], message: (err as Error).message });
    }
    return problems;
  },
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().AccessLogReceiver)(settings, config, next),
};

/** For the lead's compliance suite: a receiver following a file in the test's temp dir. */
export const accessLogComplianceOverrides = {
  access_log: (dir: string): Record<string, unknown> => ({ include: [`${dir}/*.log`] }),
};
