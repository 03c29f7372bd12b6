// SPDX-License-Identifier: Apache-2.0
// `driftwatch version` / `--version` / `-V`: what a bug report needs: the package version, the
// Node.js line it runs on (and whether that line still gets security fixes) and the build commit
// when it is known (DRIFTWATCH_BUILD_COMMIT, `dist/build-info.json` written by `npm pack`, or the
// git checkout the package runs from).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeLineStatus } from '../runtime/node-line.js';
import type { CliIO } from './io.js';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface VersionInfo {
  version: string;
  node: string;
  node_line: number;
  node_end_of_life: string | null;
  node_past_end_of_life: boolean;
  platform: string;
  commit: string | null;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The commit HEAD points at in a git checkout (worktrees and packed refs too), without running git. */
export function gitCommit(root: string): string | undefined {
  let gitDir = join(root, '.git');
  const pointer = readText(gitDir);
  if (pointer?.startsWith('gitdir: ')) gitDir = resolve(root, pointer.slice(8));
  else if (!existsSync(join(gitDir, 'HEAD'))) return undefined;
  const head = readText(join(gitDir, 'HEAD'));
  if (!head) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref: (\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  const common = readText(join(gitDir, 'commondir'));
  const dirs = [gitDir, ...(common ? [resolve(gitDir, common)] : [])];
  for (const d of dirs) {
    const loose = readText(join(d, ref));
    if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
    const packed = readText(join(d, 'packed-refs'));
    const hit = packed
      ?.split('\n')
      .find((l) => l.endsWith(` ${ref}`))
      ?.split(' ')[0];
    if (hit && /^[0-9a-f]{40}$/.test(hit)) return hit;
  }
  return undefined;
}

export function versionInfo(env: NodeJS.ProcessEnv = process.env, root = PACKAGE_ROOT): VersionInfo {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  let built: string | undefined;
  try {
    built = (JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8')) as { commit?: string })
      .commit;
  } catch {
    built = undefined;
  }
  const fromEnv = env.DRIFTWATCH_BUILD_COMMIT?.trim();
  const line = nodeLineStatus(process.versions.node);
  return {
    version: pkg.version,
    node: process.version,
    node_line: line.major,
    node_end_of_life: line.endOfLife ?? null,
    node_past_end_of_life: line.pastEndOfLife,
    platform: `${process.platform}-${process.arch}`,
    commit: fromEnv || built || gitCommit(root) || null,
  };
}

export function versionCommand(io: CliIO, json: boolean): number {
  const v = versionInfo(io.env);
  if (json) {
    io.out(JSON.stringify(v, null, 2) + '\n');
    return 0;
  }
  const eol =
    v.node_end_of_life === null
      ? 'end of life not known to this build'
      : v.node_past_end_of_life
        ? `past its end of life (${v.node_end_of_life}): no security fixes, upgrade Node.js`
        : `supported until ${v.node_end_of_life}`;
  io.out(
    `driftwatch ${v.version}\n` +
      `node       ${v.node} (line ${v.node_line}, ${eol})\n` +
      `platform   ${v.platform}\n` +
      `commit     ${v.commit ?? 'unknown (not built from a git checkout)'}\n`,
  );
  return 0;
}
