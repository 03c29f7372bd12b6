// SPDX-License-Identifier: Apache-2.0
// `npm run bench`: runs every bench/*.mjs in turn (each prints its own numbers). Bench files
// import the compiled code from ../dist, so `npm run bench` builds first.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const f of readdirSync(dir).sort()) {
  if (!f.endsWith('.mjs') || (only && !f.includes(only))) continue;
  console.log(`\n# ${f}`);
  const mod = await import(pathToFileURL(join(dir, f)).href);
  if (typeof mod.default === 'function') await mod.default();
}
