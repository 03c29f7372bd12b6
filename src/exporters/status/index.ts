// SPDX-License-Identifier: Apache-2.0
import type { ExporterFactory } from '../../component/factory.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { statusSchema } from './config.js';
import type { StatusConfig } from './config.js';
import { StatusExporter } from './status-exporter.js';

export const statusExporterFactory: ExporterFactory<StatusConfig> = {
  type: 'status',
  kind: 'exporter',
  stability: 'alpha',
  description: 'Contract-health page at /status and /status.json on the health endpoint.',
  configSchema: statusSchema,
  createDefaultConfig: () => defaultsFromSchema<StatusConfig>(statusSchema),
  create: (settings, config) => new StatusExporter(settings, config),
};
