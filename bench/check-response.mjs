// SPDX-License-Identifier: Apache-2.0
// `driftwatch check-response` over many captured files in one process (bodies/s): a mix of bare
// bodies, streams, error bodies and curl -i transcripts, the way a support engineer or a CI job
// hands it a folder. Runs the real CLI (bin/driftwatch.js) as a child process, wall clock.
/* global process, console */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIX = join(root, 'test', 'fixtures', 'llm');
const N = Number(process.env.BENCH_FILES ?? 3000);
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-check-'));
try {
  const inputs = [];
  for (const d of ['responses', 'streams', 'errors'])
    for (const f of readdirSync(join(FIX, d))) inputs.push({ name: f, text: readFileSync(join(FIX, d, f), 'utf8') });
  // transcripts: the same bodies behind a status line and headers, as curl -i saves them
  for (const f of readdirSync(join(FIX, 'errors')))
    inputs.push({
      name: `${f}.txt`,
      text: `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 20\r\n\r\n${readFileSync(join(FIX, 'errors', f), 'utf8')}`,
    });
  const files = [];
  for (let i = 0; i < N; i++) {
    const inp = inputs[i % inputs.length];
    const file = join(dir, `${i}-${inp.name}`);
    writeFileSync(file, inp.text);
    files.push(file);
  }
  const contract = join(root, 'config', 'contracts', 'openai-chat-completions.yaml');
  const before = loadavg();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'driftwatch.js'), 'check-response', '--contract', contract, '--json', ...files], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = r.stdout.trim().split('\n').length;
  if (lines !== N) {
    console.error(`expected ${N} JSON lines, got ${lines}; stderr: ${r.stderr.slice(0, 500)}`);
    process.exit(1);
  }
  console.log(
    `check-response: ${N} files (${inputs.length} kinds) in one process: ${ms.toFixed(0)} ms wall incl. start-up = ${((N / ms) * 1000).toFixed(0)} bodies/s; loadavg before ${before.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')} (shared machine)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
