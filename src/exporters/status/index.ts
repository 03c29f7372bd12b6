// SPDX-License-Identifier: Apache-2.0
import type { ExporterFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { statusSchema } from './config.js';
import type { StatusConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('status', () => import('./status-exporter.js'));

export const statusExporterFactory: ExporterFactory<StatusConfig> = {
  type: 'status',
  kind: 'exporter',
  stability: 'alpha',
  description: 'Contract-health page at /status and /status.json on the health endpoint.',
  configSchema: statusSchema,
  createDefaultConfig: () => defaultsFromSchema<StatusConfig>(statusSchema),
  load: implementation.load,
  create: (settings, config) => new (implementation.get().StatusExporter)(settings, config),
};
