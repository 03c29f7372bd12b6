// SPDX-License-Identifier: Apache-2.0
// The persistent queue: torn writes are detected, and a kill -9 of the agent while the backend
// is down loses nothing it acknowledged: after a restart every span and log arrives.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../testing/backends.js';
import { nopHost } from '../../testing/nop-host.js';
import { attrs, OtlpTestReceiver } from '../../testing/otlp-receiver.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { probeRecord } from '../../testing/signal-records.js';
import { FileQueue } from './file-queue.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('otlp_http persistent queue', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-pq-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('detects a torn entry, moves it aside, ignores temp files, keeps the rest', () => {
    const q = new FileQueue(dir, 1 << 20);
    q.open();
    for (let i = 0; i < 3; i++) expect(q.put('traces', false, 1, Buffer.alloc(100, i))).to.equal(true);
    const names = readdirSync(dir)
      .filter((n) => n.endsWith('.otlp'))
      .sort();
    truncateSync(join(dir, names[1]), 60); // a write cut short by a crash
    writeFileSync(join(dir, `tmp-${'9'.repeat(16)}.otlp`), 'half');
    const again = new FileQueue(dir, 1 << 20);
    const r = again.open();
    expect(r).to.include({ recovered: 2, corrupt: 1 });
    expect(existsSync(join(dir, 'corrupt', names[1]))).to.equal(true);
    expect(readdirSync(dir).some((n) => n.startsWith('tmp-'))).to.equal(false);
    expect(again.take()?.name).to.equal(names[0]);
  });

  it('is bounded in bytes: put() refuses past max_bytes', () => {
    const q = new FileQueue(dir, 1000);
    q.open();
    expect(q.put('logs', false, 1, Buffer.alloc(600))).to.equal(true);
    expect(q.put('logs', false, 1, Buffer.alloc(600))).to.equal(false);
  });

  it('is bounded in entries too: the queue size never reads above queue_size, the rest is refused, not dropped', async () => {
    const rx = new OtlpTestReceiver();
    await rx.start();
    const url = rx.url;
    await rx.stop(); // the backend is down: everything waits in the queue
    const d = fastConfig(url);
    const x = makeExporter(
      { ...d, sending_queue: { ...d.sending_queue, storage: 'file', queue_size: 3, num_consumers: 1 } },
      { dataDir: dir },
    );
    await x.exporter.start(nopHost());
    try {
      const sizes: number[] = [];
      let refused = 0;
      for (let i = 0; i < 10; i++) {
        await x.consume([probeRecord()]).catch(() => refused++);
        sizes.push(x.metrics.value('driftwatch_exporter_queue_size', { exporter: 'otlp_http/test' }));
      }
      expect(x.metrics.value('driftwatch_exporter_queue_capacity', { exporter: 'otlp_http/test' })).to.equal(
        3,
      );
      expect(Math.max(...sizes)).to.be.at.most(3);
      expect(refused).to.be.at.least(6, 'one in flight, three waiting, the rest refused');
      expect(x.metrics.sum('driftwatch_exporter_enqueue_failed_records_total')).to.equal(refused);
      expect(x.metrics.sum('driftwatch_component_dropped_records_total'), 'refused, not dropped').to.equal(0);
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 1000 });
    }
  });

  it('survives kill -9 of the agent while the backend is down: after restart every acknowledged span and log arrives', async function () {
    this.timeout(90_000);
    const deadPort = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repo, 'test/helpers/persist-child.ts'), `http://127.0.0.1:${deadPort}`, dir],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let acked = -1;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      for (const m of s.matchAll(/acked (\d+)/g)) acked = Math.max(acked, Number(m[1]) - 1);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    try {
      await until(
        () => acked >= 40,
        60_000,
        `child to acknowledge 40 records (stderr: ${stderr.slice(0, 500)})`,
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const ackedCount = acked + 1;
    const violations = Array.from({ length: ackedCount }, (_, i) => i).filter((i) => i % 4 === 3).length;

    const rx = new OtlpTestReceiver();
    await rx.start();
    const x = makeExporter(
      fastConfig(rx.url, { sending_queue: { ...fastConfig(rx.url).sending_queue, storage: 'file' } }),
      { dataDir: join(dir, 'exporter-otlp_http') }, // where the agent's graph keeps the exporter's state
    );
    await x.exporter.start(nopHost(x.metrics));
    try {
      const probes = () => new Set(rx.spans().map((s) => attrs(s.attributes)['driftwatch.probe']));
      await until(
        () => Array.from({ length: ackedCount }, (_, i) => `seq-${i}`).every((p) => probes().has(p)),
        30_000,
        `every acknowledged span to arrive (acked ${ackedCount}, got ${probes().size}, missing ${Array.from(
          { length: ackedCount },
          (_, i) => `seq-${i}`,
        )
          .filter((p) => !probes().has(p))
          .slice(0, 5)
          .join(',')})`,
      );
      await until(() => rx.logRecords().length >= violations, 10_000, 'every violation log to arrive');
      const logged = new Set(rx.logRecords().map((l) => attrs(l.attributes)['driftwatch.probe']));
      for (let i = 3; i < ackedCount; i += 4) expect(logged.has(`seq-${i}`), `log seq-${i}`).to.equal(true);
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
      await rx.stop();
    }
  });
});
