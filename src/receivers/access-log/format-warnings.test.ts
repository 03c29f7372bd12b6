// SPDX-License-Identifier: Apache-2.0
// The receiver says what it cannot read: lines with trailing content are counted apart, a
// timing the format names but the gateway leaves empty is warned about once with counts, and
// the excerpt of an unparsed line shows no key, e-mail or prompt word.
import { expect } from 'chai';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogger } from '../../testing/log-capture.js';
import { startReceiver, waitFor } from './test-harness.js';

describe('access_log receiver: no silent loss', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-al-warn-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts trailing content, warns once when the duration is empty on most lines, scrubs excerpts', async () => {
    const file = join(dir, 'gw.log');
    const line = (i: number, rt: string) =>
      `10.0.0.1 - - [26/Nov/2026:15:14:32 +0000] "POST /v1/chat/completions HTTP/1.1" 200 5 "-" "curl" ${rt} req-${i}\n`;
    writeFileSync(file, '');
    const logs = captureLogger();
    const records: unknown[] = [];
    const h = await startReceiver(
      join(dir, 'data'),
      {
        include: [file],
        start_at: 'beginning',
        format: 'nginx',
        log_format:
          '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $request_id',
        poll_interval: 20,
      },
      records as never[],
      { logger: logs.logger },
    );
    try {
      let text = '';
      // 250 lines of which 240 leave (checked at 200: 190 empty) the request time empty (-), like a gateway that does not fill it
      for (let i = 0; i < 250; i++) text += line(i, i < 10 ? '0.120' : '-');
      // two lines glued together, and a line with a key, an e-mail and prompt words
      text += line(900, '0.1').trimEnd() + line(901, '0.1');
      text += 'sk-abc123 ann@example.com "summarise my secret diary\n';
      appendFileSync(file, text);
      await waitFor(() => records.length >= 250, '250 records');
      await waitFor(
        () => h.metrics.sum('driftwatch_access_log_lines_total', { result: 'unparsed' }) >= 1,
        'counts',
      );
      expect(records).to.have.length(250);
      expect(h.metrics.sum('driftwatch_access_log_lines_total', { result: 'trailing_content' })).to.equal(1);
      const warned = logs.matching(
        /Access-log format: the request duration is empty on 190 of 200 parsed lines/,
      );
      expect(warned, JSON.stringify(logs.lines.map((l) => l.msg))).to.have.length(1);
      expect(String(warned[0].msg)).to.match(/likely cause/);
      const excerpts = logs.lines.filter((l) => l.excerpt !== undefined).map((l) => String(l.excerpt));
      expect(excerpts.length).to.be.at.least(1);
      for (const e of excerpts) expect(e).to.not.match(/abc123|ann@|example\.com|secret|diary/);
      // more lines with the same gap: still one warning
      appendFileSync(file, line(300, '-').repeat(50));
      await waitFor(() => records.length >= 300, '300 records');
      expect(logs.matching(/request duration is empty/)).to.have.length(1);
    } finally {
      await h.stop();
    }
  });
});
