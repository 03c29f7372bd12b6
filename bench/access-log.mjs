// SPDX-License-Identifier: Apache-2.0
/* global process, console */
// Access-log throughput benchmark (issue 6): generates 1,000,000-line nginx logs (combined +
// timings + upstream lists as text, and the same fields as escape=json), runs
// `driftwatch replay` over each in a child process (parse → record → classify → aggregation),
// and prints lines/s, CPU seconds, lines per CPU-second and peak RSS against the goals.
// If `mtail` is installed it runs an equivalent mtail program on the same text file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, accessSync, constants } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployedNodeFlags } from './_daemon-harness.mjs';
import { generate, JSON_FORMAT, TEXT_FORMAT } from './_gen-access-log.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.env.BENCH_ACCESS_LOG_LINES ?? 1_000_000);
const dir = join(root, '.cache', 'bench');
mkdirSync(dir, { recursive: true });

function ensure(kind) {
  const file = join(dir, `access-${kind}-${LINES}.log`);
  if (!existsSync(file)) {
    const t = Date.now();
    generate(file, LINES, kind);
    console.log(`generated ${file} (${(statSync(file).size / 1048576).toFixed(0)} MiB) in ${Date.now() - t} ms`);
  }
  return file;
}

function replay(label, file, format, goal) {
  const r = spawnSync(
    process.execPath,
    // as deployed: the node flags of the Dockerfile (its semi-space size decides replay's RSS)
    [...deployedNodeFlags(), join(root, 'bench', '_replay-child.mjs'), 'replay', '--json', '--format', 'nginx', '--log-format', format, file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const last = r.stderr.trim().split('\n').pop() ?? '';
  let m;
  try {
    m = JSON.parse(last);
  } catch {
    console.log(`${label}: replay failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
    return undefined;
  }
  const cpu = m.userS + m.sysS;
  const lps = LINES / (m.wallMs / 1000);
  const lpcpu = LINES / cpu;
  const rssMiB = m.maxRssKiB / 1024;
  const steady = LINES / m.runCpuS;
  console.log(
    `${label.padEnd(22)} ${fmt(lps)} lines/s wall  ${cpu.toFixed(2)} CPU s  ${fmt(lpcpu)} lines/CPU-s ` +
      `(${fmt(steady)} without process start-up)  peak RSS ${rssMiB.toFixed(0)} MiB` +
      `  [goal ≥${fmt(goal)} lines/s: ${lpcpu >= goal ? 'met' : 'MISSED'} per CPU-s; RSS <120 MiB: ${rssMiB < 120 ? 'met' : 'MISSED'}; ` +
      `issue 16: ≤ 64 MiB ${rssMiB <= 64 ? 'met' : 'MISSED'}]`,
  );
  if (m.lines && m.lines.parsed !== LINES) console.log(`  warning: parsed ${m.lines.parsed} of ${LINES} lines`);
  return { cpu, wallMs: m.wallMs };
}

function findMtail() {
  for (const p of ['/usr/bin/mtail', '/usr/local/bin/mtail']) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** mtail equivalent of the replay summary: counts by status and a latency histogram by route. */
const MTAIL_PROG = `counter requests_total by status
histogram request_seconds buckets 0.05, 0.1, 0.25, 0.5, 1, 2, 5 by route
/^\\S+ \\S+ \\S+ \\[[^\\]]+\\] "\\S+ (?P<route>[^ ?"]+)[^"]*" (?P<status>\\d{3}) \\d+ "[^"]*" "[^"]*" \\d+ (?P<rt>\\d+\\.\\d+) / {
  requests_total[$status]++
  request_seconds[$route] = $rt
}
`;

function timed(cmd, args) {
  // bash's \`times\` reports the children's CPU; GNU time (if present) adds peak RSS.
  const gnuTime = existsSync('/usr/bin/time');
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'DWTIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const m = /DWTIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  return m ? { wall: +m[1], cpu: +m[2] + +m[3], rssMiB: +m[4] / 1024, status: r.status } : { status: r.status };
}

console.log(
  `access_log benchmark: ${LINES} lines per format, node ${process.version} ${deployedNodeFlags().join(' ')}, ` +
    `${cpus()[0]?.model ?? '?'} × ${cpus().length}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
);
const text = ensure('text');
const json = ensure('json');
const ours = replay('replay nginx text', text, TEXT_FORMAT, 300_000);
replay('replay nginx json', json, JSON_FORMAT, 150_000);

const mtail = findMtail();
if (!mtail) console.log('mtail: not installed (apt-get install mtail) — comparison skipped');
else if (ours) {
  const progs = join(dir, 'mtail-progs');
  mkdirSync(progs, { recursive: true });
  writeFileSync(join(progs, 'access.mtail'), MTAIL_PROG);
  const m = timed(mtail, ['--progs', progs, '--logs', text, '--one_shot', '--one_shot_format', 'prometheus', '--logtostderr']);
  if (m.status !== 0) console.log(`mtail: exited ${m.status}; see its stderr (program compile?)`);
  else if (m.cpu === undefined) console.log(`mtail: ran (exit ${m.status}) but could not be timed (no /usr/bin/time)`);
  else {
    console.log(
      `mtail one_shot text     ${fmt(LINES / m.wall)} lines/s wall  ${m.cpu.toFixed(2)} CPU s  ${fmt(LINES / m.cpu)} lines/CPU-s  peak RSS ${m.rssMiB.toFixed(0)} MiB`,
    );
    console.log(`ratio (driftwatch / mtail, lines per CPU-s): ${(m.cpu / ours.cpu).toFixed(2)}× [goal ≥3×]`);
  }
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
