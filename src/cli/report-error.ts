// SPDX-License-Identifier: Apache-2.0
// User mistakes get a clear message and exit code 2, never a stack trace.
import { ConfigError, DriftwatchError, ERROR_CATALOG } from '../component/errors.js';
import type { CliIO } from './io.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_CONFIG = 2;

/** At most this many problems are listed, then "and N more": a broken file must stay readable. */
export const MAX_PROBLEMS = 50;
/** Longest problem line; a pasted 1 MB value is cut, its length said. */
export const MAX_PROBLEM_CHARS = 400;

export function cutLine(s: string, max = MAX_PROBLEM_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}

export function reportError(io: CliIO, err: unknown): number {
  if (err instanceof ConfigError) {
    const n = err.problems.length;
    io.err(`driftwatch: invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n`);
    for (const p of err.problems.slice(0, MAX_PROBLEMS)) io.err(`  ${cutLine(p)}\n`);
    if (n > MAX_PROBLEMS) io.err(`  … and ${n - MAX_PROBLEMS} more (fix these and run validate again)\n`);
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
