// SPDX-License-Identifier: Apache-2.0
import type { ExporterFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { otlpHttpSchema } from './config.js';
import { transportProblems } from './endpoint.js';
import type { OtlpHttpConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('otlp_http', () => import('./otlp-http-exporter.js'));

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpConfig> = {
  type: 'otlp_http',
  kind: 'exporter',
  stability: 'alpha',
  description:
    'Sends contract metrics, GenAI metrics, one span per call and drift/violation logs over OTLP/HTTP, with the spec retry rules and an optional persistent queue.',
  configSchema: otlpHttpSchema,
  createDefaultConfig: () => defaultsFromSchema<OtlpHttpConfig>(otlpHttpSchema),
  // OTEL_* mistakes (grpc, a bad protocol) and bad URLs are configuration problems `validate` reports.
  validate: (config, ctx) =>
    transportProblems(config, ctx.env).map((p) => ({ path: [p.key], message: p.problem })),
  load: implementation.load,
  create: (settings, config) => new (implementation.get().OtlpHttpExporter)(settings, config),
};
