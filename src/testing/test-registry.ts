// SPDX-License-Identifier: Apache-2.0
// The built-in registry plus the test doubles (ticker receiver, sink exporter).
import type { AnyFactory } from '../component/factory.js';
import { builtinRegistry } from '../components.js';
import type { Registry } from '../pipeline/registry.js';
import { sinkExporterFactory } from './sink.js';
import type { SinkExporter } from './sink.js';
import { tickerReceiverFactory } from './ticker-receiver.js';

export function testRegistry(sinks = new Map<string, SinkExporter>()): {
  registry: Registry;
  sinks: Map<string, SinkExporter>;
} {
  const registry = builtinRegistry([
    tickerReceiverFactory as AnyFactory,
    sinkExporterFactory(sinks) as AnyFactory,
  ]);
  return { registry, sinks };
}
