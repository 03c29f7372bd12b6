// SPDX-License-Identifier: Apache-2.0
// Child process for test/lazy-load.test.ts: runs what `driftwatch validate` runs (registry,
// config load and validation of a pipeline file), optionally loads the implementations of the
// components it names, then prints the npm packages now in the CommonJS module cache (the
// OpenTelemetry SDK, undici, protobufjs… are CommonJS), one per line.
import { createRequire } from 'node:module';
import { builtinRegistry } from '../../src/components.js';
import { loadServiceConfig } from '../../src/config/load.js';

const [file, ...load] = process.argv.slice(2);
const registry = builtinRegistry();
loadServiceConfig({ files: [file], sets: [], env: process.env, registry });
for (const spec of load) {
  const [kind, type] = spec.split(':') as ['receiver' | 'processor' | 'exporter' | 'extension', string];
  await registry.get(kind, type)?.load?.();
}
const packages = new Set(
  Object.keys(createRequire(import.meta.url).cache)
    .map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1])
    .filter((p): p is string => p !== undefined),
);
process.stdout.write([...packages].sort().join('\n') + '\n');
