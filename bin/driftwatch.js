#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Thin launcher: the compiled CLI lives in dist/ (npm run build).
import { main } from '../dist/cli/main.js';
import { applyHeapGrowth, applyPretenuring } from '../dist/runtime/heap-growth.js';

// before any work: V8 then sizes the heap near what is alive, and a burst of long calls does not
// leave every later call's objects in the old generation (src/runtime/heap-growth.ts)
applyHeapGrowth();
applyPretenuring();

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`driftwatch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
