// SPDX-License-Identifier: Apache-2.0
// Command-line parsing with node:util parseArgs (no dependency needed for this much).
import { parseArgs } from 'node:util';

export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c', multiple: true },
  set: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  'data-dir': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CommonArgs {
  config: string[];
  set: string[];
  logLevel?: string;
  dataDir?: string;
  shutdownTimeout?: string;
  help: boolean;
  positionals: string[];
  values: Record<string, unknown>;
}

export function parseCommon(
  argv: string[],
  extra: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {},
): CommonArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, ...extra },
    allowPositionals: true,
    strict: true,
  });
  const v = values as Record<string, unknown>;
  return {
    config: (v.config as string[] | undefined) ?? [],
    set: (v.set as string[] | undefined) ?? [],
    logLevel: v['log-level'] as string | undefined,
    dataDir: v['data-dir'] as string | undefined,
    shutdownTimeout: v['shutdown-timeout'] as string | undefined,
    help: Boolean(v.help),
    positionals,
    values: v,
  };
}
