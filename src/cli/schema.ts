// SPDX-License-Identifier: Apache-2.0
// `driftwatch schema [--format json|markdown]`: prints the JSON Schema of the whole config
// file (for editors) or the config reference page, both generated from the component schemas.
import { buildFullSchema } from '../config/full-schema.js';
import { renderConfigReference } from '../config/reference.js';
import type { Registry } from '../pipeline/registry.js';
import type { CommonArgs } from './args.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, EXIT_OK } from './report-error.js';

export function schemaCommand(args: CommonArgs, io: CliIO, registry: Registry): number {
  const format = (args.values.format as string | undefined) ?? 'json';
  if (format === 'json') {
    io.out(JSON.stringify(buildFullSchema(registry), null, 2) + '\n');
    return EXIT_OK;
  }
  if (format === 'markdown') {
    io.out(renderConfigReference(registry));
    return EXIT_OK;
  }
  io.err(`driftwatch schema: --format must be json or markdown (got "${format}")\n`);
  return EXIT_CONFIG;
}
