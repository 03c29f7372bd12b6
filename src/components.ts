// SPDX-License-Identifier: Apache-2.0
// The built-in components. One line per factory; the registry is the only place that knows them all.
import type { AnyFactory } from './component/factory.js';
import { debugExporterFactory } from './exporters/debug/index.js';
import { healthCheckFactory } from './extensions/health-check/index.js';
import { Registry } from './pipeline/registry.js';
import { batchProcessorFactory } from './processors/batch/index.js';
import { accessLogReceiverFactory } from './receivers/access-log/index.js';

export const builtinFactories: readonly AnyFactory[] = [
  // receivers
  accessLogReceiverFactory as AnyFactory,
  // processors
  batchProcessorFactory as AnyFactory,
  // exporters
  debugExporterFactory as AnyFactory,
  // extensions
  healthCheckFactory as AnyFactory,
];

export function builtinRegistry(extra: readonly AnyFactory[] = []): Registry {
  return new Registry([...builtinFactories, ...extra]);
}
