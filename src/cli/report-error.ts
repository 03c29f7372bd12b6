// SPDX-License-Identifier: Apache-2.0
// User mistakes get a clear message and exit code 2, never a stack trace.
import { ConfigError, DriftwatchError, ERROR_CATALOG } from '../component/errors.js';
import type { CliIO } from './io.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_CONFIG = 2;

export function reportError(io: CliIO, err: unknown): number {
  if (err instanceof ConfigError) {
    const n = err.problems.length;
    io.err(`driftwatch: invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n`);
    for (const p of err.problems) io.err(`  ${p}\n`);
    return EXIT_CONFIG;
  }
  if (err instanceof DriftwatchError) {
    io.err(`driftwatch: ${err.message} (${err.code}, see docs/errors.md)\n`);
    return ERROR_CATALOG[err.code].exit;
  }
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    io.err(`driftwatch: ${err.message}\n`);
    return EXIT_CONFIG;
  }
  io.err(`driftwatch: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_RUNTIME;
}
