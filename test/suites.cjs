// SPDX-License-Identifier: Apache-2.0
// Which mocha suites are unit and which end-to-end, for `npm run test:unit` (fast, pure logic
// and in-process loopback; under 60 s alone) and `npm run test:e2e` (real servers, child
// processes, system tools, disk faults, timing-heavy suites). A suite is end-to-end when it
// uses one of the harnesses below, or is listed in SLOW; every other *.test.ts is unit, so
// nothing is ever left out: together the two runs are every suite. LINE_E2E is the subset
// CI runs on the extra Node.js lines (.ci/run): the suites that exercise what differs
// between lines (errno codes, TLS, HTTP parsing, process signals). test/architecture/
// suites.test.ts keeps these lists honest.
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');

/** Imports that mean "real servers, child processes or system tools". */
const E2E_HARNESS =
  /node:child_process|testing\/(system-tool|test-pki|backends|tmpfs|mock-llm|replay-server)|playwright-core|helpers\/(run-cli|child-agent|access-log-agent|persist-child|agent-with-test-doubles)|status\/chromium/;

/** Suites with no such import that still spend seconds on real deadlines and back-offs. */
const SLOW = [
  'src/receivers/probe/probe.test.ts',
  'src/receivers/probe/slow-drip.test.ts',
  'src/exporters/otlp-http/faults.test.ts',
  'src/extensions/health-check/server-timeouts.test.ts',
  'test/e2e/bounded-labels.test.ts',
];

/** End-to-end suites also run on the extra Node.js lines: what differs between lines. */
const LINE_E2E = [
  'src/exporters/otlp-http/disk-faults.test.ts',
  'src/receivers/access-log/disk-faults.test.ts',
  'src/exporters/otlp-http/tls.test.ts',
  'src/receivers/probe/tls.test.ts',
  'src/receivers/probe/interim-responses.test.ts',
  'src/receivers/probe/probe.test.ts',
  'test/lifecycle/node-line.test.ts',
  'test/lifecycle/signals.test.ts',
  'test/proxy-safety.test.ts',
  'src/http-call/tunnel-agent.test.ts',
];

function testFiles(dir = root, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) testFiles(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

function split() {
  const all = [...testFiles(join(root, 'src')), ...testFiles(join(root, 'test'))].sort();
  const isE2e = (f) => SLOW.includes(f) || E2E_HARNESS.test(readFileSync(join(root, f), 'utf8'));
  return { all, unit: all.filter((f) => !isE2e(f)), e2e: all.filter(isE2e) };
}

module.exports = { split, SLOW, LINE_E2E };
