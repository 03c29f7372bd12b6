// SPDX-License-Identifier: Apache-2.0
import type { ExporterFactory } from '../../component/factory.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { debugSchema } from './config.js';
import type { DebugConfig } from './config.js';
import { DebugExporter } from './debug-exporter.js';

export const debugExporterFactory: ExporterFactory<DebugConfig> = {
  type: 'debug',
  kind: 'exporter',
  stability: 'beta',
  description: 'Prints one line per batch (basic) or per record (detailed), with contents redacted.',
  configSchema: debugSchema,
  createDefaultConfig: () => defaultsFromSchema<DebugConfig>(debugSchema),
  create: (settings, config) => new DebugExporter(settings, config),
};
