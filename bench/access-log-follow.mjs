// SPDX-License-Identifier: Apache-2.0
/* global process, console, setTimeout */
// One followed file with SHIPPED DEFAULTS (no option overridden but include/format/start_at):
// access_log → validate → classify → redact → batch → a sink that acknowledges at once (an
// exporter with nothing to wait for). A writer appends a generated nginx log in 1 MiB slices as
// fast as it can; prints sustained lines/s from the first write to the last acknowledged record.
// This is the figure that `max_inflight_batches` and the batch processor's acknowledgement timing
// decide (issue 16); exporters and the network are left out on purpose.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessLogReceiverFactory } from '../dist/receivers/access-log/index.js';
import { batchProcessorFactory } from '../dist/processors/batch/index.js';
import { classifyProcessorFactory } from '../dist/processors/classify/index.js';
import { redactProcessorFactory } from '../dist/processors/redact/index.js';
import { validateProcessorFactory } from '../dist/processors/validate/index.js';
import { benchSettings as testSettings, nopHost } from './_settings.mjs';
import { appendInSlices, tailSource, TEXT_FORMAT } from './_gen-access-log.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.env.BENCH_FOLLOW_LINES ?? 200_000);
const src = tailSource(root, LINES);
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-follow-'));
const live = join(dir, 'access.log');
writeFileSync(live, '');
let got = 0;
// BENCH_FOLLOW_ACK_MS: the sink acknowledges after this delay (an exporter's round trip)
const ackMs = Number(process.env.BENCH_FOLLOW_ACK_MS ?? 0);
const sink = {
  mutatesData: false,
  consume: async (batch) => {
    if (ackMs > 0) await new Promise((r) => setTimeout(r, ackMs));
    got += batch.length;
  },
};
const chain = [
  batchProcessorFactory,
  redactProcessorFactory,
  classifyProcessorFactory,
  validateProcessorFactory,
];
let next = sink;
const components = [];
for (const f of chain) {
  next = f.create(testSettings('processor', f.type), f.createDefaultConfig(), next);
  components.unshift(next);
}
const receiverConfig = {
  ...accessLogReceiverFactory.createDefaultConfig(),
  include: [live],
  format: 'nginx',
  log_format: TEXT_FORMAT,
  start_at: 'beginning',
  // BENCH_FOLLOW_INFLIGHT: try another max_inflight_batches (the printed line says which ran)
  ...(process.env.BENCH_FOLLOW_INFLIGHT ? { max_inflight_batches: Number(process.env.BENCH_FOLLOW_INFLIGHT) } : {}),
};
const receiver = accessLogReceiverFactory.create(
  testSettings('receiver', 'access_log/bench', { dataDir: join(dir, 'data') }),
  receiverConfig,
  next,
);
components.unshift(receiver);
for (const c of [...components].reverse()) await c.start(nopHost());
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
appendInSlices(src, live);
const deadline = Date.now() + 300_000;
while (got < LINES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
const sec = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
for (const c of components) await c.shutdown({ deadline: Date.now() + 5000 });
rmSync(dir, { recursive: true, force: true });
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(
  `follow one file, shipped defaults (batch_size ${receiverConfig.batch_size}, max_inflight_batches ` +
    `${receiverConfig.max_inflight_batches}, poll ${receiverConfig.poll_interval} ms; validate, classify, redact, batch; ` +
    `sink acknowledges after ${ackMs} ms): ` +
    `${got.toLocaleString('en-US')} of ${LINES.toLocaleString('en-US')} lines in ${sec.toFixed(1)} s = ` +
    `${Math.round(got / sec).toLocaleString('en-US')} lines/s  ${cpuS.toFixed(2)} CPU s (writer included)`,
);
if (got < LINES) process.exitCode = 1;
