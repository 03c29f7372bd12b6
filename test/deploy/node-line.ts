// SPDX-License-Identifier: Apache-2.0
// The Node.js binary of one release line, for tests that must run what an image runs: this
// process's own node when its major matches, else the line CI unpacks into .cache/ with
// .ci/lib/node-line.sh (fetched here if absent). Undefined when neither is possible (no
// registry access): the caller skips loudly, or fails under CI.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function nodeBinDir(major: number): string | undefined {
  if (Number(process.versions.node.split('.')[0]) === major) return join(process.execPath, '..');
  const cached = resolve('.cache', `node-${major}`, 'package', 'bin');
  if (existsSync(join(cached, 'node'))) return cached;
  try {
    return execFileSync('bash', ['.ci/lib/node-line.sh', String(major)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    }).trim();
  } catch {
    return undefined;
  }
}

/** `node:24-bookworm-slim` → 24. */
export function imageNodeMajor(image: string): number | undefined {
  const m = /^node:(\d+)(?:[.-]|$)/.exec(image);
  return m ? Number(m[1]) : undefined;
}
