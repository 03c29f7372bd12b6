// SPDX-License-Identifier: Apache-2.0
/* global process, console */
// Footprint figures of issue 16:
//   - the idle probe daemon: `driftwatch demo` (what `npm start` runs: the simulator plus probes
//     of every kind at the demo intervals) with the Dockerfile's node flags; CPU % and RSS over
//     BENCH_IDLE_SECONDS (60) after a 20 s warm-up, measured inside the process
//     (bench/_stats-preload.mjs);
//   - CPU seconds of one-shot commands (median of 5): `--help`, `validate` of the demo pipeline,
//     `check-response` of a captured body.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedNodeFlags, load1, machine, ok, percentile, root, sleep } from './_daemon-harness.mjs';

const IDLE_S = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const flags = deployedNodeFlags();
console.log(`footprint benchmark; node flags ${flags.join(' ')}; ${machine()}`);

// one-shot commands: CPU of the child process (user + system), median of 5
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-footprint-'));
const body = join(dir, 'body.json');
writeFileSync(
  body,
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1764115200,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'pong', refusal: null }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
  }),
);
const statsFile = join(dir, 'cmd.jsonl');
function cpuOf(args) {
  const xs = [];
  for (let i = 0; i < 5; i++) {
    writeFileSync(statsFile, '');
    spawnSync(process.execPath, [...flags, '--import', join(root, 'bench', '_stats-preload.mjs'), join(root, 'bin', 'driftwatch.js'), ...args], {
      cwd: root,
      env: { ...process.env, DW_BENCH_STATS: statsFile, DW_BENCH_ELD: '0' },
      stdio: 'ignore',
    });
    const last = readFileSync(statsFile, 'utf8').trim().split('\n').pop();
    // the preload starts before the CLI's modules load, so its CPU covers the whole command
    const s = JSON.parse(last);
    xs.push({ cpu: s.cpuS, rss: s.peakRssMiB });
  }
  return { cpu: percentile(xs.map((x) => x.cpu), 50), rss: percentile(xs.map((x) => x.rss), 50) };
}
const help = cpuOf(['--help']);
const validate = cpuOf(['validate', '--config', 'pipelines/demo.yaml']);
const check = cpuOf(['check-response', '--contract', 'config/contracts/openai-chat-completions.yaml', body]);
console.log(
  `one-shot CPU (median of 5): --help ${help.cpu.toFixed(2)} CPU-s; validate (demo pipeline) ${validate.cpu.toFixed(2)} CPU-s, ` +
    `peak RSS ${validate.rss.toFixed(0)} MiB; check-response ${check.cpu.toFixed(2)} CPU-s [load ${load1()}]`,
);
console.log(`  goal: validate ≤ 0.25 CPU-s ${ok(validate.cpu <= 0.25)}`);

// the idle probe daemon
const demoStats = join(dir, 'demo.jsonl');
writeFileSync(demoStats, '');
const demo = spawn(
  process.execPath,
  [...flags, '--import', join(root, 'bench', '_stats-preload.mjs'), join(root, 'bin', 'driftwatch.js'), 'demo'],
  {
    cwd: root,
    env: { ...process.env, DW_BENCH_STATS: demoStats, DW_BENCH_ELD: '0', DRIFTWATCH_DATA_DIR: join(dir, 'data') },
    stdio: 'ignore',
  },
);
await sleep(20_000);
const lines = () => readFileSync(demoStats, 'utf8').split('\n').filter(Boolean);
demo.kill('SIGUSR2'); // closes the warm-up window
while (lines().length < 1) await sleep(50);
await sleep(IDLE_S * 1000);
demo.kill('SIGUSR2');
while (lines().length < 2) await sleep(50);
const w = JSON.parse(lines()[1]);
demo.kill('SIGTERM');
await new Promise((r) => demo.on('exit', r));
rmSync(dir, { recursive: true, force: true });
const cpuPct = (100 * w.cpuS) / w.wallS;
console.log(
  `idle probe daemon (driftwatch demo, ${IDLE_S} s after a 20 s warm-up): ${cpuPct.toFixed(2)} % CPU, RSS ${w.rssMiB.toFixed(0)} MiB ` +
    `(peak ${w.peakRssMiB.toFixed(0)}; V8 heap ${w.heapTotalMiB} MiB committed, ${w.heapUsedMiB} used) [load ${load1()}]`,
);
console.log(`  goals: ≤ 0.5 % CPU ${ok(cpuPct <= 0.5)}; ≤ 70 MiB ${ok(w.rssMiB <= 70)}`);
