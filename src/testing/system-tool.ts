// SPDX-License-Identifier: Apache-2.0
// Suites that need a system component (nginx, prometheus, chromium…) call this in `before`.
// Outside CI a missing tool skips the suite with a loud reason; under CI=true it fails.
import { accessSync, constants } from 'node:fs';

export function findTool(candidates: readonly string[]): string | undefined {
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Returns the tool's path, or skips (outside CI) / throws (CI=true) when none is found. */
export function requireTool(
  ctx: Mocha.Context,
  name: string,
  candidates: readonly string[],
  installHint: string,
): string {
  const found = findTool(candidates);
  if (found) return found;
  const reason = `${name} not found (looked in ${candidates.join(', ')}); install it with: ${installHint}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  process.stderr.write(`\n  !!! SKIPPING suite "${ctx.test?.parent?.title ?? name}": ${reason}\n\n`);
  ctx.skip();
}
