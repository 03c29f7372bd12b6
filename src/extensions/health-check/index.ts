// SPDX-License-Identifier: Apache-2.0
import type { ExtensionFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { healthCheckSchema } from './config.js';
import type { HealthCheckConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('health_check', () => import('./health-check.js'));

export const healthCheckFactory: ExtensionFactory<HealthCheckConfig> = {
  type: 'health_check',
  kind: 'extension',
  stability: 'beta',
  description: 'Serves /healthz (component states) and /metrics (the agent’s own telemetry).',
  configSchema: healthCheckSchema,
  createDefaultConfig: () => defaultsFromSchema<HealthCheckConfig>(healthCheckSchema),
  load: implementation.load,
  create: (settings, config) => new (implementation.get().HealthCheckExtension)(settings, config),
};
