// SPDX-License-Identifier: Apache-2.0
import type { ExporterFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { debugSchema } from './config.js';
import type { DebugConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('debug', () => import('./debug-exporter.js'));

export const debugExporterFactory: ExporterFactory<DebugConfig> = {
  type: 'debug',
  kind: 'exporter',
  stability: 'beta',
  description: 'Prints one line per batch (basic) or per record (detailed), with contents redacted.',
  configSchema: debugSchema,
  createDefaultConfig: () => defaultsFromSchema<DebugConfig>(debugSchema),
  load: implementation.load,
  create: (settings, config) => new (implementation.get().DebugExporter)(settings, config),
};
