// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import {
  appendFileSync,
  readFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriftwatchError } from '../../component/errors.js';
import { ID_FORMAT, idLine, startReceiver, waitFor } from './test-harness.js';
import type { AccessLogConfig } from './config.js';

const startManual = (dataDir: string, overrides: Partial<AccessLogConfig>) =>
  startReceiver(dataDir, overrides, [], { manual: true });

describe('access_log receiver: tailing real files', () => {
  let dir: string;
  let logs: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-al-'));
    logs = join(dir, 'logs');
    mkdirSync(logs);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ids = (h: { records: { response: { requestId?: string } }[] }) =>
    h.records.map((r) => r.response.requestId);

  it('start_at end skips existing lines; new lines and new files are read from their start', async () => {
    const file = join(logs, 'a.log');
    writeFileSync(file, idLine('old1') + idLine('old2'));
    const h = await startManual(join(dir, 'data'), { ...ID_FORMAT, include: [join(logs, '*.log')] });
    try {
      await h.poll();
      appendFileSync(file, idLine('n1'));
      writeFileSync(join(logs, 'b.log'), idLine('b1'));
      await h.poll();
      expect(ids(h).sort()).to.deep.equal(['b1', 'n1']);
    } finally {
      await h.stop();
    }
  });

  it('holds a partial last line until it completes, handles CRLF, and survives invalid UTF-8', async () => {
    const file = join(logs, 'a.log');
    writeFileSync(file, '');
    const h = await startManual(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
    });
    try {
      appendFileSync(file, 'p1 20');
      await h.poll();
      expect(h.records).to.have.length(0);
      appendFileSync(file, '0\r\n');
      appendFileSync(file, Buffer.from([0xff, 0xfe, 0x20, 0x32, 0x30, 0x30, 0x0a]));
      await h.poll();
      expect(h.records.map((r) => r.response.status)).to.deep.equal([200, 200]);
      expect(h.records[0].response.requestId).to.equal('p1');
      expect(h.records[1].response.requestId).to.equal('\ufffd\ufffd');
    } finally {
      await h.stop();
    }
  });

  it('follows mv rotation (drains the old file) and copy-truncate, exactly once', async () => {
    const file = join(logs, 'access.log');
    writeFileSync(file, idLine('a1'));
    const h = await startManual(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
      rotate_wait: 0,
    });
    try {
      await h.poll();
      renameSync(file, `${file}.1`);
      appendFileSync(`${file}.1`, idLine('a2')); // writer still on the old fd
      writeFileSync(file, idLine('b1'));
      await h.poll();
      await h.poll();
      appendFileSync(file, idLine('b2'));
      await h.poll();
      truncateSync(file, 0); // copytruncate
      appendFileSync(file, idLine('c1-longer-than-before'));
      await h.poll();
      expect(ids(h)).to.deep.equal(['a1', 'a2', 'b1', 'b2', 'c1-longer-than-before']);
    } finally {
      await h.stop();
    }
  });

  it('clean restart resumes from the checkpoint: nothing lost, nothing repeated', async () => {
    const file = join(logs, 'access.log');
    writeFileSync(file, idLine('x1') + idLine('x2'));
    const data = join(dir, 'data');
    const cfg = { ...ID_FORMAT, include: [file], start_at: 'beginning' as const };
    const h1 = await startManual(data, cfg);
    await h1.poll();
    await h1.stop();
    appendFileSync(file, idLine('x3'));
    const h2 = await startManual(data, { ...cfg, start_at: 'end' });
    try {
      await h2.poll();
      expect(ids(h1)).to.deep.equal(['x1', 'x2']);
      expect(ids(h2)).to.deep.equal(['x3']);
    } finally {
      await h2.stop();
    }
  });

  it('does not advance the checkpoint while the pipeline refuses; resends the same batch', async () => {
    const file = join(logs, 'access.log');
    writeFileSync(file, idLine('r1'));
    const data = join(dir, 'data');
    const h = await startManual(data, { ...ID_FORMAT, include: [file], start_at: 'beginning' });
    h.sink.fail = true;
    await h.poll();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.records).to.have.length(0);
    expect(h.metrics.sum('driftwatch_receiver_refused_records_total')).to.be.greaterThan(0);
    h.sink.fail = false;
    await waitFor(() => h.records.length === 1, 'the retried batch');
    await h.stop();
    expect(ids(h)).to.deep.equal(['r1']);
  });

  it('skips a batch refused for good (catalog mark permanent) instead of offering it forever', async () => {
    const file = join(logs, 'access.log');
    writeFileSync(file, idLine('p1'));
    const h = await startManual(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
    });
    try {
      h.sink.fail = new DriftwatchError('DW_ERR_EXPORT_PERMANENT', 'backend answered 400');
      await h.poll();
      await waitFor(
        () => h.metrics.sum('driftwatch_receiver_refused_records_total') === 1,
        'the permanent refusal',
      );
      h.sink.fail = false;
      appendFileSync(file, idLine('p2'));
      await h.poll();
      await waitFor(() => h.records.length > 0, 'the next line');
      await new Promise((r) => setTimeout(r, 300)); // a retry of p1 would arrive by now
      expect(ids(h), 'p1 is not offered again').to.deep.equal(['p2']);
    } finally {
      await h.stop();
    }
  });

  it('applies back-pressure: with a slow sink, reading pauses instead of buffering', async () => {
    const file = join(logs, 'access.log');
    let text = '';
    for (let i = 0; i < 5000; i++) text += idLine(`l${i}`);
    writeFileSync(file, text);
    const h = await startReceiver(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
      batch_size: 100,
      max_inflight_batches: 3,
      poll_interval: 20,
    });
    try {
      h.sink.delayMs = 50;
      // Read but not yet delivered: at most the batches in flight plus one full batch waiting.
      let backlog = 0;
      const sample = setInterval(() => {
        const parsed = h.metrics.sum('driftwatch_access_log_lines_total', { result: 'parsed' });
        backlog = Math.max(backlog, parsed - h.records.length);
      }, 5);
      await waitFor(() => h.records.length === 5000, 'all lines');
      clearInterval(sample);
      expect(backlog)
        .to.be.greaterThan(0)
        .and.at.most(100 * (3 + 1));
      expect(h.sink.maxOutstanding, 'batches in flight at once').to.equal(3);
      expect(new Set(ids(h)).size).to.equal(5000);
    } finally {
      await h.stop();
    }
  });

  it('continues a stream compressed while the agent was down (.gz), and never reads old archives', async () => {
    const file = join(logs, 'access.log');
    let text = '';
    for (let i = 0; i < 200; i++) text += idLine(`g${i}`);
    writeFileSync(file, text);
    // an old archive of another stream: must not be read
    writeFileSync(`${file}.9.gz`, gzipSync(idLine('old1') + idLine('old2')));
    const data = join(dir, 'data');
    const cfg = { ...ID_FORMAT, include: [`${file}*`], start_at: 'beginning' as const, batch_size: 50 };
    const h1 = await startReceiver(data, { ...cfg, max_inflight_batches: 1 }, [], { manual: true });
    h1.sink.delayMs = 30;
    await h1.poll(); // 50 acknowledged, then "kill -9" with the next batch unacknowledged
    await h1.crash();
    const first = ids(h1);
    expect(first.length).to.be.within(1, 199);
    // logrotate `compress` while the agent is down: rename, new file, compress at once
    appendFileSync(file, idLine('g200'));
    renameSync(file, `${file}.1`);
    writeFileSync(file, idLine('n0'));
    writeFileSync(`${file}.1.gz`, gzipSync(readFileSync(`${file}.1`)));
    unlinkSync(`${file}.1`);
    const h2 = await startReceiver(data, cfg, [], { manual: true });
    try {
      const all = () => [...first, ...ids(h2)];
      // the archive is read in the background once a scan found it; ticks carry the rest
      for (let i = 0; i < 100 && all().length < 202; i++) {
        await h2.poll();
        await new Promise((r) => setTimeout(r, 20));
      }
      const expected = [...Array.from({ length: 201 }, (_, i) => `g${i}`), 'n0'];
      expect([...all()].sort()).to.deep.equal(expected.sort());
    } finally {
      await h2.stop();
    }
  });

  it('cuts and counts over-long lines; counts unparsed lines; deleted files are closed', async () => {
    const file = join(logs, 'access.log');
    writeFileSync(file, `${'z'.repeat(5000)} 200\n` + 'garbage\n' + idLine('ok'));
    const h = await startManual(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
      max_line_bytes: 1000,
      rotate_wait: 0,
    });
    try {
      await h.poll();
      expect(ids(h)).to.include('ok');
      expect(h.metrics.sum('driftwatch_access_log_lines_total', { result: 'truncated' })).to.equal(1);
      expect(h.metrics.sum('driftwatch_access_log_lines_total', { result: 'unparsed' })).to.be.greaterThan(0);
      unlinkSync(file);
      await h.poll();
      await h.poll();
      expect(h.metrics.sum('driftwatch_access_log_open_files')).to.equal(0);
    } finally {
      await h.stop();
    }
  });
});
