// SPDX-License-Identifier: Apache-2.0
// The built-in components. One line per factory; the registry is the only place that knows them all.
import type { AnyFactory } from './component/factory.js';
import { debugExporterFactory } from './exporters/debug/index.js';
import { otlpHttpExporterFactory } from './exporters/otlp-http/index.js';
import { prometheusExporterFactory } from './exporters/prometheus/index.js';
import { statusExporterFactory } from './exporters/status/index.js';
import { fileStorageFactory } from './extensions/file-storage/index.js';
import { healthCheckFactory } from './extensions/health-check/index.js';
import { Registry } from './pipeline/registry.js';
import { batchProcessorFactory } from './processors/batch/index.js';
import { classifyProcessorFactory } from './processors/classify/index.js';
import { redactProcessorFactory } from './processors/redact/index.js';
import { validateProcessorFactory } from './processors/validate/index.js';
import { accessLogReceiverFactory } from './receivers/access-log/index.js';
import { docsWatchFactory } from './receivers/docs-watch/index.js';
import { probeReceiverFactory } from './receivers/probe/index.js';
import { proxyReceiverFactory } from './receivers/proxy/index.js';

export const builtinFactories: readonly AnyFactory[] = [
  // receivers
  probeReceiverFactory as AnyFactory,
  accessLogReceiverFactory as AnyFactory,
  docsWatchFactory as AnyFactory,
  proxyReceiverFactory as AnyFactory,
  // processors
  batchProcessorFactory as AnyFactory,
  validateProcessorFactory as AnyFactory,
  classifyProcessorFactory as AnyFactory,
  redactProcessorFactory as AnyFactory,
  // exporters
  debugExporterFactory as AnyFactory,
  statusExporterFactory as AnyFactory,
  otlpHttpExporterFactory as AnyFactory,
  prometheusExporterFactory as AnyFactory,
  // extensions
  healthCheckFactory as AnyFactory,
  fileStorageFactory as AnyFactory,
];

export function builtinRegistry(extra: readonly AnyFactory[] = []): Registry {
  return new Registry([...builtinFactories, ...extra]);
}
