// SPDX-License-Identifier: Apache-2.0
// `npm run bench`: runs every bench/*.mjs in sequence, each in its own process. Helper modules
// start with `_` and are not run. `node bench/run.js access-log` runs only matching files.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
let failed = 0;
for (const f of readdirSync(here).filter((n) => n.endsWith('.mjs') && !n.startsWith('_')).sort()) {
  if (only.length > 0 && !only.some((o) => f.includes(o))) continue;
  console.log(`\n== bench/${f}`);
  const r = spawnSync(process.execPath, [join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
