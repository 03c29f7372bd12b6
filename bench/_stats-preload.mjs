// SPDX-License-Identifier: Apache-2.0
/* global process */
// Loaded into a benchmarked driftwatch process with `node --import` (nothing else changes: the
// CLI, its flags and its pipeline are as deployed). It measures the process from inside:
// event-loop delay (perf_hooks histogram, 10 ms resolution), CPU and peak RSS. On SIGUSR2 it
// writes the figures since the previous SIGUSR2 (or start) as one JSON line to
// $DW_BENCH_STATS and starts a new window; on exit it writes a final line.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const out = process.env.DW_BENCH_STATS;
// the histogram samples with a 10 ms timer, itself ~1 % of a core on an idle process: off with
// DW_BENCH_ELD=0 where CPU at idle is the figure
const eld = process.env.DW_BENCH_ELD !== '0';
const h = monitorEventLoopDelay({ resolution: 10 });
if (eld) h.enable();
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let window = 0;

const mib = (n) => Math.round((n / 1048576) * 10) / 10;

function memory() {
  const m = process.memoryUsage();
  const spaces = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name.replace(/_space$/, '')] = mib(s.space_size);
  return { heapTotalMiB: mib(m.heapTotal), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers), spaces };
}

function snapshot(label) {
  const cpu = process.cpuUsage(cpu0);
  const line = {
    label,
    window: window++,
    wallS: (performance.now() - t0) / 1000,
    cpuS: (cpu.user + cpu.system) / 1e6,
    eldP50Ms: h.percentile(50) / 1e6,
    eldP99Ms: h.percentile(99) / 1e6,
    eldMaxMs: h.max / 1e6,
    rssMiB: process.memoryUsage.rss() / 1048576,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    // where the RSS goes: V8's committed heap by space, memory outside it, and the rest (binary, stacks)
    ...memory(),
  };
  if (out) appendFileSync(out, `${JSON.stringify(line)}\n`);
  h.reset();
  cpu0 = process.cpuUsage();
  t0 = performance.now();
}

process.on('SIGUSR2', () => snapshot('window'));
process.on('exit', () => snapshot('exit'));
