// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { endOfLifeWarning, nodeLineStatus, TESTED_NODE_LINES } from './node-line.js';

describe('node line status', () => {
  it('reads the major from a version with or without v', () => {
    expect(nodeLineStatus('v24.22.3').major).to.equal(24);
    expect(nodeLineStatus('20.20.2').major).to.equal(20);
  });

  it('a line is past end of life only after its last day (UTC)', () => {
    expect(nodeLineStatus('20.1.0', new Date('2026-04-30T23:59:59Z')).pastEndOfLife).to.equal(false);
    expect(nodeLineStatus('20.1.0', new Date('2026-05-01T00:00:00Z')).pastEndOfLife).to.equal(true);
    expect(nodeLineStatus('24.1.0', new Date('2026-12-04T00:00:00Z')).pastEndOfLife).to.equal(false);
  });

  it('an unknown (newer) line is not judged', () => {
    const s = nodeLineStatus('27.0.0');
    expect(s.endOfLife).to.equal(undefined);
    expect(s.pastEndOfLife).to.equal(false);
    expect(endOfLifeWarning(s)).to.equal(undefined);
  });

  it('the warning names the date and lines that are still supported', () => {
    const w = endOfLifeWarning(nodeLineStatus('18.20.0', new Date('2026-12-04T00:00:00Z')));
    expect(w).to.match(/^Node\.js 18 reached end of life on 2025-04-30/);
    expect(w).to.include('22');
    expect(w).to.include('24');
  });

  it('CI runs the suite on every tested line', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    const lines = /^node_lines="([^"]*)"/m.exec(ci)?.[1].split(/\s+/).map(Number);
    expect(lines, '.ci/run node_lines').to.deep.equal(TESTED_NODE_LINES);
  });

  it('package.json engines admit the oldest tested line', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).to.match(new RegExp(`^>=${TESTED_NODE_LINES[0]}\\.`));
  });
});
