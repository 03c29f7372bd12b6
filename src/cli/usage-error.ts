// SPDX-License-Identifier: Apache-2.0
// An argument mistake: one line in the project's voice, printed with the command's usage and
// exit 2 (never "unexpected error").
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage is shown; undefined for the top level. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** By name, not instanceof: a module loaded twice (ESM and CJS under a test loader) is two classes. */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}
