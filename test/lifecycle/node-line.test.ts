// SPDX-License-Identifier: Apache-2.0
// The real `run` on whatever Node.js line runs this suite (CI runs it on each tested line):
// a line past its end of life gets one start-up warning naming the date; a supported line none.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeLineStatus } from '../../src/runtime/node-line.js';
import { spawnAgent, waitFor } from '../helpers/child-agent.js';

describe('run on this Node.js line', function () {
  this.timeout(60_000);

  it(`warns at start only when Node.js ${process.versions.node} is past its end of life`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-node-line-'));
    const cfg = join(dir, 'c.yaml');
    writeFileSync(
      cfg,
      [
        'receivers:',
        '  ticker/t: { interval_ms: 1000, batch: 1 }',
        'exporters:',
        `  sink/s: { path: ${JSON.stringify(join(dir, 'out.jsonl'))} }`,
        'service:',
        '  pipelines:',
        '    p: { receivers: [ticker/t], exporters: [sink/s] }',
        '',
      ].join('\n'),
    );
    const agent = spawnAgent(['run', '--config', cfg, '--data-dir', join(dir, 'data')]);
    try {
      await waitFor('Driftwatch started', () => agent.stderr().includes('Driftwatch started.'));
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
    }
    const logs = agent
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string; node?: string; end_of_life?: string });
    const warnings = logs.filter((l) => l.level === 'warn' && /reached end of life/.test(l.msg));
    const status = nodeLineStatus();
    if (status.pastEndOfLife) {
      expect(warnings, agent.stderr()).to.have.length(1);
      expect(warnings[0].node).to.equal(process.version);
      expect(warnings[0].end_of_life).to.equal(status.endOfLife);
      expect(warnings[0].msg).to.include(
        `Node.js ${status.major} reached end of life on ${status.endOfLife}`,
      );
    } else {
      expect(warnings, agent.stderr()).to.have.length(0);
    }
  });
});
