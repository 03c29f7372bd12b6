// SPDX-License-Identifier: Apache-2.0
// `validate`, `print-config`, `components`: configuration without running anything.
import { stringify } from 'yaml';
import { loadServiceConfig, maskSecrets } from '../config/load.js';
import type { Registry } from '../pipeline/registry.js';
import type { CommonArgs } from './args.js';
import type { CliIO } from './io.js';
import { EXIT_OK, reportError } from './report-error.js';

export function validateCommand(args: CommonArgs, io: CliIO, registry: Registry): number {
  try {
    const cfg = loadServiceConfig({ files: args.config, sets: args.set, env: io.env, registry });
    for (const w of cfg.warnings) io.err(`warning: ${w}\n`);
    const n = cfg.service.pipelines.size;
    io.out(
      `Configuration is valid: ${n} pipeline${n === 1 ? '' : 's'} (${[...cfg.service.pipelines.keys()].join(', ')}).\n`,
    );
    return EXIT_OK;
  } catch (err) {
    return reportError(io, err);
  }
}

export function printConfigCommand(
  args: CommonArgs,
  io: CliIO,
  registry: Registry,
  inline?: Array<[string, string]>,
): number {
  try {
    const cfg = loadServiceConfig({
      files: args.config,
      inline: args.config.length === 0 ? inline : undefined,
      sets: args.set,
      env: io.env,
      registry,
    });
    io.out(stringify(maskSecrets(cfg.effective, registry)));
    return EXIT_OK;
  } catch (err) {
    return reportError(io, err);
  }
}

export function componentsCommand(io: CliIO, registry: Registry, json: boolean): number {
  const rows = registry
    .all()
    .map((f) => ({ kind: f.kind, type: f.type, stability: f.stability, description: f.description }));
  if (json) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  const w = (k: keyof (typeof rows)[number]) => Math.max(k.length, ...rows.map((r) => r[k].length));
  const line = (r: Record<string, string>) =>
    `${r.kind.padEnd(w('kind'))}  ${r.type.padEnd(w('type'))}  ${r.stability.padEnd(w('stability'))}  ${r.description}\n`;
  io.out(line({ kind: 'KIND', type: 'TYPE', stability: 'STABILITY', description: 'DESCRIPTION' }));
  for (const r of rows) io.out(line(r));
  return EXIT_OK;
}
