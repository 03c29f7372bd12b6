// SPDX-License-Identifier: Apache-2.0
// Fault matrix (issue 8), disk and files: the access_log checkpoints on a real tmpfs that is
// remounted read-only and filled up. Lines keep flowing, the failure is logged (rate-limited,
// with path and errno) and counted, the checkpoint file is never corrupted, and once the disk
// is writable again the checkpoint catches up by itself, so a restart resumes exactly.
import { expect } from 'chai';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogger } from '../../testing/log-capture.js';
import { mountTmpfs } from '../../testing/tmpfs.js';
import type { Tmpfs } from '../../testing/tmpfs.js';
import { CheckpointStore } from './checkpoints.js';
import type { Checkpoint } from './checkpoints.js';
import { ID_FORMAT, idLine, startReceiver, waitFor } from './test-harness.js';

const ERRORS = 'driftwatch_component_errors_total';

function writeIds(path: string, from: number, n: number): void {
  let text = '';
  for (let i = from; i < from + n; i++) text += idLine(`r${i}`);
  appendFileSync(path, text);
}

function checkpointOf(file: string): Checkpoint[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { files: Checkpoint[] };
  return doc.files;
}

describe('access_log checkpoints: read-only and full data directory (tmpfs)', function () {
  this.timeout(60_000);
  let fs: Tmpfs;
  let logs: string;
  beforeEach(function () {
    fs = mountTmpfs(this, 256);
    logs = mkdtempSync(join(tmpdir(), 'dw-disk-logs-'));
  });
  afterEach(() => {
    fs?.unmount();
    rmSync(logs, { recursive: true, force: true });
  });

  it('a save that needs more space on a full disk fails whole: the old file stays valid (no torn write)', () => {
    const store = new CheckpointStore(join(fs.dir, 'cp'));
    const small: Checkpoint[] = [{ path: '/var/log/a.log', fpLen: 100, fpHash: 'a'.repeat(32), offset: 42 }];
    store.save(small);
    const filler = fs.fill();
    // 60 long entries: far more than the 4 KiB the file holds, so the save must grow the file
    const big: Checkpoint[] = Array.from({ length: 60 }, (_, i) => ({
      path: `/var/log/${'x'.repeat(120)}-${i}.log`,
      fpLen: 1000,
      fpHash: 'b'.repeat(32),
      offset: i * 1000,
    }));
    expect(() => store.save(big)).to.throw(/ENOSPC/);
    expect(checkpointOf(store.file), 'the previous checkpoints, intact').to.deep.equal(small);
    expect(readdirSync(join(fs.dir, 'cp')), 'no half-written temp file holds space').to.deep.equal([
      'access-log-checkpoints.json',
    ]);
    // a save that fits the allocated blocks works even on the full disk
    const moved = [{ ...small[0], offset: 4242 }];
    store.save(moved);
    expect(checkpointOf(store.file)).to.deep.equal(moved);
    rmSync(filler);
    store.save(big);
    expect(checkpointOf(store.file)).to.deep.equal(big);
    expect(new CheckpointStore(join(fs.dir, 'cp')).load().list).to.deep.equal(big);
    store.close();
  });

  it('a torn checkpoint file is detected on start, moved aside, logged and counted', async () => {
    const dataDir = join(fs.dir, 'data');
    const store = new CheckpointStore(dataDir);
    store.save([{ path: '/x', fpLen: 10, fpHash: 'c'.repeat(32), offset: 1 }]);
    store.close();
    writeFileSync(store.file, '{"version":1,"files":[{"path":"/x","fpL'); // cut mid-write
    const log = join(logs, 'access.log');
    writeIds(log, 0, 5);
    const cap = captureLogger();
    const h = await startReceiver(
      dataDir,
      { ...ID_FORMAT, include: [log], start_at: 'beginning', poll_interval: 20 },
      [],
      { logger: cap.logger },
    );
    try {
      await waitFor(() => h.records.length === 5, 'the lines, read as a new file');
      expect(cap.matching(/Checkpoint file did not parse/)).to.have.length(1);
      expect(existsSync(`${store.file}.corrupt`)).to.equal(true);
      expect(h.metrics.sum(ERRORS, { error_type: 'io_failed' })).to.be.at.least(1);
      await waitFor(() => existsSync(store.file), 'a fresh checkpoint file');
    } finally {
      await h.stop();
    }
    expect(checkpointOf(store.file)[0].offset).to.equal(readFileSync(log).length);
  });

  it('read-only, then full: lines keep flowing, errors are rate-limited and counted, checkpoints catch up, a restart resumes exactly', async () => {
    const dataDir = join(fs.dir, 'data');
    mkdirSync(dataDir);
    const log = join(logs, 'access.log');
    writeIds(log, 0, 50);
    const cap = captureLogger();
    const cfg = {
      ...ID_FORMAT,
      include: [log],
      start_at: 'beginning' as const,
      poll_interval: 20,
      batch_size: 20,
    };
    // A read-only data directory from the start (a tmpfs refuses `remount,ro` while the
    // checkpoint file is open for writing, as any file system does).
    fs.readOnly();
    const h = await startReceiver(dataDir, cfg, [], { logger: cap.logger });
    const cpFile = join(dataDir, 'access-log-checkpoints.json');
    const committed = () => {
      try {
        return checkpointOf(cpFile)[0]?.offset ?? -1;
      } catch {
        return -2; // missing, or a torn file
      }
    };
    try {
      await waitFor(() => h.records.length === 50, 'the first 50 lines');
      writeIds(log, 50, 150);
      await waitFor(() => h.records.length === 200, 'lines read while the data dir is read-only');
      // every tick retries the save: wait for many failures, then look at how much was logged
      await waitFor(() => h.metrics.sum(ERRORS, { error_type: 'io_failed' }) >= 10, '10 counted failures');
      const roLines = cap.matching(/Cannot write checkpoints/);
      expect(roLines.length, 'rate-limited: 5 per 10 s window').to.be.within(1, 5);
      expect(roLines[0]).to.include({ path: cpFile, errno: 'EROFS', op: 'checkpoint' });
      expect(existsSync(cpFile)).to.equal(false);
      fs.readWrite();
      await waitFor(
        () => committed() === readFileSync(log).length,
        'the checkpoint to catch up (no new lines)',
      );
      expect(cap.matching(/Checkpoints written again/)).to.have.length(1);

      // --- full disk: the checkpoint is rewritten in place (its blocks are allocated), so it keeps
      // working; a checkpoint file that does not exist yet (a second receiver) cannot be created
      const filler = fs.fill();
      writeIds(log, 200, 50);
      await waitFor(() => h.records.length === 250, 'lines read on a full disk');
      await waitFor(() => committed() === readFileSync(log).length, 'the in-place checkpoint on a full disk');

      const cap2 = captureLogger();
      const records2: unknown[] = [];
      const h2 = await startReceiver(join(fs.dir, 'data2'), cfg, records2 as never[], {
        logger: cap2.logger,
      });
      try {
        await waitFor(() => records2.length === 250, 'a second receiver reads on a full disk');
        await waitFor(() => cap2.matching(/Cannot write checkpoints/).length > 0, 'the ENOSPC error');
        expect(cap2.matching(/Cannot write checkpoints/)[0]).to.include({
          code: 'DW_ERR_SOURCE_IO',
          errno: 'ENOSPC',
        });
        expect(existsSync(join(fs.dir, 'data2', 'access-log-checkpoints.json.tmp')), 'temp removed').to.equal(
          false,
        );
        rmSync(filler);
        await waitFor(
          () => existsSync(join(fs.dir, 'data2', 'access-log-checkpoints.json')),
          'the checkpoint once space is back',
        );
      } finally {
        await h2.stop();
      }
    } finally {
      await h.stop();
    }
    // restart on the same directory: resumes exactly at the checkpoint
    const again = await startReceiver(dataDir, cfg);
    try {
      writeIds(log, 250, 10);
      await waitFor(() => again.records.length >= 10, 'the 10 new lines');
      await new Promise((r) => setTimeout(r, 200));
      expect(again.records.map((r) => r.response.requestId)).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `r${250 + i}`),
      );
    } finally {
      await again.stop();
    }
  });
});
