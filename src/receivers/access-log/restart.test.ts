// SPDX-License-Identifier: Apache-2.0
// The agent as a real child process (`driftwatch run` with an access_log receiver and the debug
// exporter printing one line per record) is stopped cleanly and killed with SIGKILL while a
// writer keeps appending. Every line must come out; a clean stop repeats nothing; kill -9
// repeats at most the unacknowledged batches (batch_size × max_inflight_batches).
import { expect } from 'chai';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAccessLogAgent, stopAgent } from '../../../test/helpers/access-log-agent.js';
import type { AccessLogAgent } from '../../../test/helpers/access-log-agent.js';
import { waitFor } from './test-harness.js';

const BATCH = 50;
const INFLIGHT = 4; // the shipped max_inflight_batches

describe('access_log receiver: agent restarts (clean stop and kill -9)', function () {
  this.timeout(180_000);
  let dir: string;
  let agents: AccessLogAgent[] = [];
  let writer: NodeJS.Timeout | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-restart-'));
  });
  afterEach(async () => {
    clearInterval(writer);
    for (const a of agents) await stopAgent(a, 'SIGKILL');
    agents = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing; clean stop repeats nothing; kill -9 repeats at most the batches in flight', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `receivers:
  access_log/gw:
    include: [${JSON.stringify(log)}]
    format: nginx
    log_format: '$request_id $status'
    start_at: beginning
    poll_interval: 20ms
    batch_size: ${BATCH}
    max_inflight_batches: ${INFLIGHT}
exporters:
  debug:
    verbosity: detailed
service:
  pipelines:
    logs:
      receivers: [access_log/gw]
      exporters: [debug]
`,
    );
    const data = join(dir, 'data');
    const TOTAL = 4000;
    let written = 0;
    const writeSome = (n: number) => {
      let text = '';
      for (let i = 0; i < n && written < TOTAL; i++) text += `w${written++} 200\n`;
      if (text) appendFileSync(log, text);
    };
    writer = setInterval(() => writeSome(4), 20); // ~200 lines/s for ~20 s

    // Phase 1: run, then stop cleanly (SIGTERM drains and checkpoints).
    const a1 = startAccessLogAgent(config, data, { idPattern: / request_id=(w\d+)/ });
    agents.push(a1);
    await waitFor(() => a1.ids.length >= 300, 'phase 1 output', 60_000);
    a1.proc.kill('SIGTERM');
    expect(await a1.exited).to.equal(0);

    // Phase 2: run, then SIGKILL mid-stream.
    const a2 = startAccessLogAgent(config, data, { idPattern: / request_id=(w\d+)/ });
    agents.push(a2);
    await waitFor(() => a2.ids.length >= 300, 'phase 2 output', 60_000);
    a2.proc.kill('SIGKILL');
    await a2.exited;

    // Phase 3: run until everything was written and read.
    const a3 = startAccessLogAgent(config, data, { idPattern: / request_id=(w\d+)/ });
    agents.push(a3);
    await waitFor(() => written >= TOTAL, 'the writer', 90_000);
    const all = () => new Set([...a1.ids, ...a2.ids, ...a3.ids]);
    await waitFor(() => all().size >= TOTAL, `all ${TOTAL} lines (have ${all().size})`, 60_000);
    a3.proc.kill('SIGTERM');
    expect(await a3.exited).to.equal(0);

    const expected = Array.from({ length: TOTAL }, (_, i) => `w${i}`);
    expect([...all()].sort()).to.deep.equal(expected.sort());
    // Clean stop: phase 2 starts exactly where phase 1 stopped.
    const p1 = new Set(a1.ids);
    expect(
      a2.ids.filter((id) => p1.has(id)),
      'repeats after a clean stop',
    ).to.deep.equal([]);
    expect(new Set(a1.ids).size).to.equal(a1.ids.length);
    // kill -9: only lines of the unacknowledged batches may come again.
    const p2 = new Set(a2.ids);
    const repeated = a3.ids.filter((id) => p2.has(id));
    expect(repeated.length, 'repeats after kill -9').to.be.at.most(BATCH * INFLIGHT);
  });
});
