// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import {
  appendFileSync,
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
    const h = await startReceiver(join(dir, 'data'), { ...ID_FORMAT, include: [join(logs, '*.log')] });
    try {
      await h.receiver.pollOnce();
      appendFileSync(file, idLine('n1'));
      writeFileSync(join(logs, 'b.log'), idLine('b1'));
      await h.receiver.pollOnce();
      await h.receiver.drain();
      expect(ids(h).sort()).to.deep.equal(['b1', 'n1']);
    } finally {
      await h.stop();
    }
  });

  it('holds a partial last line until it completes, handles CRLF, and survives invalid UTF-8', async () => {
    const file = join(logs, 'a.log');
    writeFileSync(file, '');
    const h = await startReceiver(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
    });
    try {
      appendFileSync(file, 'p1 20');
      await h.receiver.pollOnce();
      expect(h.records).to.have.length(0);
      appendFileSync(file, '0\r\n');
      appendFileSync(file, Buffer.from([0xff, 0xfe, 0x20, 0x32, 0x30, 0x30, 0x0a]));
      await h.receiver.pollOnce();
      await h.receiver.drain();
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
    const h = await startReceiver(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
      rotate_wait: '0s',
    });
    try {
      await h.receiver.pollOnce();
      renameSync(file, `${file}.1`);
      appendFileSync(`${file}.1`, idLine('a2')); // writer still on the old fd
      writeFileSync(file, idLine('b1'));
      await h.receiver.pollOnce();
      await h.receiver.pollOnce();
      appendFileSync(file, idLine('b2'));
      await h.receiver.pollOnce();
      truncateSync(file, 0); // copytruncate
      appendFileSync(file, idLine('c1-longer-than-before'));
      await h.receiver.pollOnce();
      await h.receiver.drain();
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
    const h1 = await startReceiver(data, cfg);
    await h1.receiver.pollOnce();
    await h1.receiver.drain();
    await h1.stop();
    appendFileSync(file, idLine('x3'));
    const h2 = await startReceiver(data, { ...cfg, start_at: 'end' });
    try {
      await h2.receiver.pollOnce();
      await h2.receiver.drain();
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
    const h = await startReceiver(data, { ...ID_FORMAT, include: [file], start_at: 'beginning' });
    h.sink.fail = true;
    await h.receiver.pollOnce();
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
    const h = await startReceiver(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
    });
    try {
      h.sink.fail = new DriftwatchError('DW_ERR_EXPORT_PERMANENT', 'backend answered 400');
      await h.receiver.pollOnce();
      await waitFor(
        () => h.metrics.sum('driftwatch_receiver_refused_records_total') === 1,
        'the permanent refusal',
      );
      h.sink.fail = false;
      appendFileSync(file, idLine('p2'));
      await h.receiver.pollOnce();
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
      poll_interval: '20ms',
    });
    try {
      h.sink.delayMs = 50;
      await h.receiver.pollOnce();
      // One batch in flight plus one full batch waiting, never the whole file.
      const internal = h.receiver as unknown as { current: { records: unknown[] }; inflight: unknown[] };
      expect(internal.current.records.length).to.be.at.most(100);
      expect(internal.inflight.length).to.be.at.most(1);
      h.sink.delayMs = 0;
      await waitFor(() => h.records.length === 5000, 'all lines');
      expect(new Set(ids(h)).size).to.equal(5000);
    } finally {
      await h.stop();
    }
  });

  it('cuts and counts over-long lines; counts unparsed lines; deleted files are closed', async () => {
    const file = join(logs, 'access.log');
    writeFileSync(file, `${'z'.repeat(5000)} 200\n` + 'garbage\n' + idLine('ok'));
    const h = await startReceiver(join(dir, 'data'), {
      ...ID_FORMAT,
      include: [file],
      start_at: 'beginning',
      max_line_bytes: 1000,
      rotate_wait: '0s',
    });
    try {
      await h.receiver.pollOnce();
      await h.receiver.drain();
      expect(ids(h)).to.include('ok');
      expect(h.metrics.sum('driftwatch_access_log_lines_total', { result: 'truncated' })).to.equal(1);
      expect(h.metrics.sum('driftwatch_access_log_lines_total', { result: 'unparsed' })).to.be.greaterThan(0);
      unlinkSync(file);
      await h.receiver.pollOnce();
      await h.receiver.pollOnce();
      expect(h.metrics.sum('driftwatch_access_log_open_files')).to.equal(0);
    } finally {
      await h.stop();
    }
  });
});
