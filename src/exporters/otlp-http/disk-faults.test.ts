// SPDX-License-Identifier: Apache-2.0
// Fault matrix (issue 8), disk and files: the otlp_http persistent (file) queue on a real tmpfs
// that fills up and goes read-only. consume() refuses with a clear error (upstream keeps the data
// and retries), the failure is logged rate-limited with path and errno and counted, no temp file
// is left holding space, no entry is corrupted, nothing crashes; once the disk is back, data flows.
import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../testing/backends.js';
import { captureLogger } from '../../testing/log-capture.js';
import { nopHost } from '../../testing/nop-host.js';
import { attrs, OtlpTestReceiver } from '../../testing/otlp-receiver.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { probeRecord } from '../../testing/signal-records.js';
import { mountTmpfs } from '../../testing/tmpfs.js';
import type { Tmpfs } from '../../testing/tmpfs.js';
import { decodeEntry } from './file-queue.js';

const ERRORS = 'driftwatch_component_errors_total';

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function fileQueueConfig(url: string) {
  const base = fastConfig(url);
  return fastConfig(url, {
    sending_queue: { ...base.sending_queue, storage: 'file' },
    retry_on_failure: { ...base.retry_on_failure, max_elapsed_time: 60_000 },
  });
}

/** Every queue file decodes (CRC and length check); no temp files. */
function assertQueueClean(queueDir: string): number {
  const names = readdirSync(queueDir).filter((n) => n !== 'corrupt');
  expect(
    names.filter((n) => n.startsWith('tmp-')),
    'no temp file left',
  ).to.deep.equal([]);
  for (const n of names)
    expect(decodeEntry(readFileSync(join(queueDir, n))), `${n} decodes`).to.not.equal(undefined);
  return names.length;
}

describe('otlp_http persistent queue: full and read-only data directory (tmpfs)', function () {
  this.timeout(60_000);
  let fs: Tmpfs;
  let rx: OtlpTestReceiver;
  beforeEach(function () {
    fs = mountTmpfs(this, 256);
    rx = new OtlpTestReceiver();
  });
  afterEach(async () => {
    await rx.stop().catch(() => undefined);
    fs?.unmount();
  });

  it('disk full: consume() refuses with the path and ENOSPC, logged rate-limited and counted, no temp file; space back → delivered', async () => {
    await rx.start();
    const dataDir = join(fs.dir, 'exporter');
    const cap = captureLogger();
    const x = makeExporter(fileQueueConfig(rx.url), { dataDir, logger: cap.logger });
    await x.exporter.start(nopHost(x.metrics));
    const probes = () => new Set(rx.spans().map((s) => attrs(s.attributes)['driftwatch.probe']));
    try {
      await x.consume([probeRecord({ probe: 'before' })]);
      await until(() => probes().has('before'), 'the first span');

      const filler = fs.fill();
      let refusals = 0;
      let firstErr: Error | undefined;
      for (let i = 0; i < 20; i++) {
        try {
          await x.consume([probeRecord({ probe: `full-${i}` })]);
        } catch (err) {
          refusals++;
          firstErr ??= err as Error;
        }
      }
      expect(refusals, 'every batch refused while the disk is full').to.equal(20);
      expect(firstErr?.message).to.match(/persistent queue: cannot write .*tmp-\d+\.otlp: ENOSPC/);
      const logged = cap.matching(/persistent queue: cannot write/);
      expect(logged.length, 'rate-limited: at most 5 per 10 s').to.be.within(1, 5);
      expect(logged[0]).to.include({ code: 'DW_ERR_QUEUE_IO', errno: 'ENOSPC', op: 'write' });
      expect(String(logged[0].path)).to.contain(join(dataDir, 'queue'));
      expect(x.metrics.sum(ERRORS, { error_type: 'io_failed' })).to.equal(20);
      expect(x.metrics.sum('driftwatch_exporter_enqueue_failed_records_total')).to.be.at.least(20);
      assertQueueClean(join(dataDir, 'queue'));

      rmSync(filler);
      await x.consume([probeRecord({ probe: 'after' })]);
      await until(() => probes().has('after'), 'the span sent once space is back');
      expect(
        [...probes()].filter((p) => String(p).startsWith('full-')),
        'refused batches were not sent',
      ).to.deep.equal([]);
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('read-only with entries waiting: delivered anyway, the failed delete is logged (no crash), the files resend after restart; consume() refuses with EROFS', async () => {
    const port = await freePort(); // the backend is down while entries pile up
    const url = `http://127.0.0.1:${port}`;
    const dataDir = join(fs.dir, 'exporter');
    mkdirSync(dataDir);
    const cap = captureLogger();
    const x = makeExporter(fileQueueConfig(url), { dataDir, logger: cap.logger });
    await x.exporter.start(nopHost(x.metrics));
    const queueDir = join(dataDir, 'queue');
    const probes = () => rx.spans().map((s) => String(attrs(s.attributes)['driftwatch.probe']));
    let shutDown = false;
    try {
      for (let i = 0; i < 5; i++) await x.consume([probeRecord({ probe: `q-${i}` })]);
      expect(assertQueueClean(queueDir)).to.equal(5);
      fs.readOnly();
      await rx.start(port); // the backend comes back while the disk is read-only
      await until(
        () => ['q-0', 'q-1', 'q-2', 'q-3', 'q-4'].every((p) => probes().includes(p)),
        'the 5 queued spans',
      );
      // A span reaches the backend before its file's delete fails: wait for all five failures.
      await until(
        () => x.metrics.sum(ERRORS, { error_type: 'io_failed' }) >= 5,
        'the five failed deletes counted',
      );
      expect(cap.matching(/persistent queue: cannot delete/)[0]).to.include({
        code: 'DW_ERR_QUEUE_IO',
        errno: 'EROFS',
        op: 'delete',
      });
      expect(cap.matching(/persistent queue: cannot delete/).length).to.be.at.most(5);
      let refused: Error | undefined;
      await x.consume([probeRecord({ probe: 'ro' })]).catch((e: Error) => (refused = e));
      expect(refused?.message).to.match(/cannot write .*: EROFS/);
      expect(x.metrics.sum(ERRORS, { error_type: 'io_failed' })).to.be.at.least(6);
      fs.readWrite();
      await x.consume([probeRecord({ probe: 'rw' })]);
      await until(() => probes().includes('rw'), 'a span once the disk is writable');
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
      shutDown = true;
      // the 5 delivered files could not be deleted: they are intact and resend once (at-least-once)
      expect(assertQueueClean(queueDir)).to.equal(5);
      const before = rx.spans().length;
      const y = makeExporter(fileQueueConfig(url), { dataDir });
      await y.exporter.start(nopHost(y.metrics));
      try {
        await until(() => rx.spans().length >= before + 5, 'the 5 leftover entries resent');
        await until(() => assertQueueClean(queueDir) === 0, 'the queue emptied');
      } finally {
        await y.exporter.shutdown({ deadline: Date.now() + 5000 });
      }
    } finally {
      if (!shutDown) await x.exporter.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('a queue directory that cannot be created at start is a clear startup error naming the path and errno', async () => {
    fs.readOnly();
    const x = makeExporter(fileQueueConfig('http://127.0.0.1:9'), { dataDir: join(fs.dir, 'missing') });
    let err: Error | undefined;
    await x.exporter.start(nopHost(x.metrics)).catch((e: Error) => (err = e));
    expect(err?.message).to.equal(`persistent queue: cannot open ${join(fs.dir, 'missing', 'queue')}: EROFS`);
    await x.exporter.shutdown({ deadline: Date.now() + 1000 });
  });
});
