// SPDX-License-Identifier: Apache-2.0
// Fault matrix (issue 8), disk and files: a log file the agent may not read, and a log directory
// that is deleted while followed and comes back with new files. No crash, a clear rate-limited
// error naming path and errno, counted, and the data is read once it is there again.
import { expect } from 'chai';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAccessLogAgent, stopAgent } from '../../../test/helpers/access-log-agent.js';
import type { AccessLogAgent } from '../../../test/helpers/access-log-agent.js';
import { freePort } from '../../../test/helpers/child-agent.js';
import { captureLogger } from '../../testing/log-capture.js';
import { requireTool } from '../../testing/system-tool.js';
import { ID_FORMAT, idLine, startReceiver, waitFor } from './test-harness.js';

const ERRORS = 'driftwatch_component_errors_total';

function lines(prefix: string, n: number): string {
  let t = '';
  for (let i = 0; i < n; i++) t += idLine(`${prefix}${i}`);
  return t;
}

async function metricValue(port: number, name: string, match: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const l of text.split('\n'))
    if (l.startsWith(name) && l.includes(match)) total += Number(l.slice(l.lastIndexOf(' ') + 1));
  return total;
}

describe('access_log: unreadable files and a directory that disappears', function () {
  this.timeout(90_000);
  let dir: string;
  let agent: AccessLogAgent | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-file-faults-'));
    chmodSync(dir, 0o755);
  });
  afterEach(async () => {
    if (agent) await stopAgent(agent, 'SIGKILL');
    agent = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file the agent may not read: EACCES logged rate-limited with the path, counted, read in full once readable', async function () {
    // Root reads anything: then the agent runs as root without the capabilities that bypass
    // file permissions (setpriv), against a mode-000 file. (Running it as another user needs
    // that user to read the checkout, which a clone under a private folder does not allow.)
    const asRoot = process.getuid?.() === 0;
    const setpriv = asRoot
      ? requireTool(this, 'setpriv', ['/usr/bin/setpriv', '/bin/setpriv'], 'apt-get install util-linux')
      : undefined;
    const logs = join(dir, 'logs');
    mkdirSync(logs, { mode: 0o755 });
    const log = join(logs, 'access.log');
    writeFileSync(log, lines('u', 30));
    chmodSync(log, 0o000);
    const data = join(dir, 'data');
    mkdirSync(data);
    const port = await freePort();
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `receivers:
  access_log/gw:
    include: [${JSON.stringify(join(logs, '*.log'))}]
    format: ${ID_FORMAT.format}
    log_format: '${ID_FORMAT.log_format}'
    start_at: beginning
    poll_interval: 20ms
    scan_interval: 50ms
exporters:
  debug: { verbosity: detailed }
extensions:
  health_check: { endpoint: 127.0.0.1:${port} }
service:
  extensions: [health_check]
  pipelines:
    logs: { receivers: [access_log/gw], exporters: [debug] }
`,
    );
    chmodSync(config, 0o644);
    agent = startAccessLogAgent(config, data, { setpriv });
    const a = agent;
    const failures = () => metricValue(port, ERRORS, 'error_type="io_failed"').catch(() => 0);
    // 50 ms scans: ≥ 40 open attempts in a few seconds, each counted
    let counted = 0;
    await waitFor(
      () => {
        void failures().then((n) => (counted = n));
        return counted >= 40;
      },
      `40 counted open failures (stderr: ${a.stderr().slice(0, 400)})`,
      60_000,
    );
    const errs = a.logs.filter((l) => /Cannot open a log file/.test(String(l.msg)));
    expect(errs.length, 'rate-limited: at most 5 per 10 s').to.be.within(1, 5);
    expect(errs[0]).to.include({ path: log, errno: 'EACCES', op: 'open', level: 'error' });
    expect(a.ids).to.deep.equal([]);
    chmodSync(log, 0o644);
    appendFileSync(log, lines('v', 5));
    await waitFor(() => a.ids.length >= 35, 'every line once readable', 30_000);
    expect(a.ids).to.deep.equal([
      ...Array.from({ length: 30 }, (_, i) => `u${i}`),
      ...Array.from({ length: 5 }, (_, i) => `v${i}`),
    ]);
    expect(a.stderr()).to.not.match(/\n\s+at /); // no stack trace: no crash
    expect(await stopAgent(a)).to.equal(0);
  });

  it('a log directory removed while followed and recreated with new files: no crash, error rate-limited, new files read from the start', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'a.log'), lines('a', 20));
    const cap = captureLogger();
    const h = await startReceiver(
      join(dir, 'data'),
      {
        ...ID_FORMAT,
        include: [join(logs, '*.log')],
        start_at: 'beginning',
        poll_interval: 20,
        scan_interval: 50,
        rotate_wait: 200,
      },
      [],
      { logger: cap.logger },
    );
    const ids = () => h.records.map((r) => r.response.requestId);
    try {
      await waitFor(() => h.records.length === 20, 'the first file');
      rmSync(logs, { recursive: true, force: true });
      await waitFor(
        () => h.metrics.sum(ERRORS, { error_type: 'io_failed' }) >= 20,
        '20 counted scan failures',
      );
      const errs = cap.matching(/Cannot list a directory/);
      expect(errs.length, 'rate-limited: at most 5 per 10 s').to.be.within(1, 5);
      expect(errs[0]).to.include({ path: logs, errno: 'ENOENT', op: 'scan' });
      mkdirSync(logs);
      // new files, one of them with the old name: both are read from their first line
      writeFileSync(join(logs, 'a.log'), lines('new-a', 10));
      writeFileSync(join(logs, 'b.log'), lines('new-b', 10));
      await waitFor(() => h.records.length >= 40, 'the new files', 30_000);
      appendFileSync(join(logs, 'b.log'), lines('more-b', 3));
      await waitFor(() => h.records.length >= 43, 'lines appended after the comeback');
      await new Promise((r) => setTimeout(r, 300));
      const got = ids();
      expect(got.slice(0, 20)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `a${i}`));
      expect(got.slice(20).sort()).to.deep.equal(
        [
          ...Array.from({ length: 10 }, (_, i) => `new-a${i}`),
          ...Array.from({ length: 10 }, (_, i) => `new-b${i}`),
          ...Array.from({ length: 3 }, (_, i) => `more-b${i}`),
        ].sort(),
      );
    } finally {
      await h.stop();
    }
  });
});
