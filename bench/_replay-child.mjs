// SPDX-License-Identifier: Apache-2.0
/* global process */
// Runs `driftwatch replay` (from ../dist) in this process and reports its own CPU time and
// peak RSS as one JSON line on stderr, so the benchmark can measure a child precisely.
import { main } from '../dist/cli/main.js';
import { applyHeapGrowth } from '../dist/runtime/heap-growth.js';

applyHeapGrowth(); // as bin/driftwatch.js does

// Module loading already happened (static import): measured separately from the replay itself.
const cpu0 = process.cpuUsage();
const started = process.hrtime.bigint();
let out = '';
const code = await main(process.argv.slice(2), {
  io: { out: (t) => (out += t), err: (t) => process.stderr.write(t), env: process.env },
});
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
const ru = process.resourceUsage();
const run = process.cpuUsage(cpu0);
let summary;
try {
  summary = JSON.parse(out);
} catch {
  summary = undefined;
}
process.stderr.write(
  `${JSON.stringify({ code, wallMs, userS: ru.userCPUTime / 1e6, sysS: ru.systemCPUTime / 1e6, runCpuS: (run.user + run.system) / 1e6, maxRssKiB: ru.maxRSS, lines: summary?.lines })}\n`,
);
process.exit(code);
