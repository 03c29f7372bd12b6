// SPDX-License-Identifier: Apache-2.0
import type { ExtensionFactory } from '../../component/factory.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { healthCheckSchema } from './config.js';
import type { HealthCheckConfig } from './config.js';
import { HealthCheckExtension } from './health-check.js';

export const healthCheckFactory: ExtensionFactory<HealthCheckConfig> = {
  type: 'health_check',
  kind: 'extension',
  stability: 'beta',
  description: 'Serves /healthz (component states) and /metrics (the agent’s own telemetry).',
  configSchema: healthCheckSchema,
  createDefaultConfig: () => defaultsFromSchema<HealthCheckConfig>(healthCheckSchema),
  create: (settings, config) => new HealthCheckExtension(settings, config),
};
