// SPDX-License-Identifier: Apache-2.0
import type { ExporterFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { prometheusSchema } from './config.js';
import type { PrometheusConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('prometheus', () => import('./prometheus-exporter.js'));

export const prometheusExporterFactory: ExporterFactory<PrometheusConfig> = {
  type: 'prometheus',
  kind: 'exporter',
  stability: 'alpha',
  description:
    'Serves the contract and GenAI metrics on a Prometheus pull endpoint (default 127.0.0.1:9464/metrics).',
  configSchema: prometheusSchema,
  createDefaultConfig: () => defaultsFromSchema<PrometheusConfig>(prometheusSchema),
  load: implementation.load,
  create: (settings, config) => new (implementation.get().PrometheusExporter)(settings, config),
};
