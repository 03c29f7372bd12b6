// SPDX-License-Identifier: Apache-2.0
/* global process, Buffer */
// The Node raw limit for an access log: the least a Node program can do with the file and still
// produce what the pipeline aggregates — read 64 KiB chunks, split lines by index, one compiled
// regex per line (route, status, request time, model), count by (route, status, model) and keep
// a latency histogram per route. No records, no processors, no export. Prints one JSON line:
// lines, CPU seconds (this process, module loading included) and peak RSS.
import { closeSync, openSync, readSync } from 'node:fs';

const file = process.argv[2];
const RE = /^\S+ \S+ \S+ \[[^\]]+\] "\S+ ([^ ?"]+)[^"]*" (\d{3}) \d+ "[^"]*" "(?:[^"\\]|\\.)*" \d+ ([\d.]+) .* "([^"]*)"$/;
const BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
const counts = new Map();
const hist = new Map();
let lines = 0;
let unparsed = 0;

function line(s) {
  lines++;
  const m = RE.exec(s);
  if (!m) {
    unparsed++;
    return;
  }
  const key = `${m[1]}|${m[2]}|${m[4]}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  let h = hist.get(m[1]);
  if (!h) hist.set(m[1], (h = new Float64Array(BOUNDS.length + 2)));
  const v = Number(m[3]);
  let i = 0;
  while (i < BOUNDS.length && v > BOUNDS[i]) i++;
  h[i]++;
  h[BOUNDS.length + 1] += v;
}

const fd = openSync(file, 'r');
const buf = Buffer.allocUnsafe(64 * 1024);
let rest = '';
let pos = 0;
for (;;) {
  const n = readSync(fd, buf, 0, buf.length, pos);
  if (n === 0) break;
  pos += n;
  const text = rest + buf.toString('latin1', 0, n);
  let start = 0;
  for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
    line(text.slice(start, nl));
    start = nl + 1;
  }
  rest = text.slice(start);
}
if (rest) line(rest);
closeSync(fd);
const ru = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ lines, unparsed, keys: counts.size, cpuS: (ru.userCPUTime + ru.systemCPUTime) / 1e6, peakRssMiB: ru.maxRSS / 1024 })}\n`,
);
