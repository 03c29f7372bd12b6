// SPDX-License-Identifier: Apache-2.0
/* global process, console, setTimeout */
// Live tailing throughput: the access_log receiver (from ../dist) follows a file that a writer
// appends to in 1 MiB slices; prints lines/s from the first write to the last acknowledged
// record, the receiver process's CPU seconds and peak RSS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessLogReceiver } from '../dist/receivers/access-log/access-log-receiver.js';
import { accessLogReceiverFactory } from '../dist/receivers/access-log/index.js';
import { benchSettings as testSettings, nopHost } from './_settings.mjs';
import { appendInSlices, tailSource, TEXT_FORMAT } from './_gen-access-log.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.env.BENCH_TAIL_LINES ?? 500_000);
const src = tailSource(root, LINES);
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-tail-'));
const live = join(dir, 'access.log');
writeFileSync(live, '');
let got = 0;
const receiver = new AccessLogReceiver(
  testSettings('receiver', 'access_log/bench', { dataDir: join(dir, 'data') }),
  {
    ...accessLogReceiverFactory.createDefaultConfig(),
    include: [live],
    format: 'nginx',
    log_format: TEXT_FORMAT,
    start_at: 'beginning',
    poll_interval: 20, // ms: a loaded config, as the factory gets it
  },
  { mutatesData: false, consume: async (batch) => void (got += batch.length) },
);
await receiver.start(nopHost());
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
appendInSlices(src, live);
while (got < LINES) await new Promise((r) => setTimeout(r, 5));
const sec = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
await receiver.shutdown({ deadline: Date.now() + 5000 });
rmSync(dir, { recursive: true, force: true });
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(
  `live tail (text, ${LINES} lines): ${Math.round(LINES / sec).toLocaleString('en-US')} lines/s  ` +
    `${cpuS.toFixed(2)} CPU s (writer included)  ${Math.round(LINES / cpuS).toLocaleString('en-US')} lines/CPU-s  ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
