// SPDX-License-Identifier: Apache-2.0
// Run by `npm pack` (prepack): records the commit the package was built from in
// dist/build-info.json, so `driftwatch --version` of an installed tarball can name it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import process from 'node:process';

let commit = process.env.DRIFTWATCH_BUILD_COMMIT ?? null;
if (!commit) {
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = null; // not a git checkout: the version command says "unknown"
  }
}
writeFileSync('dist/build-info.json', JSON.stringify({ commit }) + '\n');
