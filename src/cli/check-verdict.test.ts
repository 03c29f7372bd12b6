// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeFiles } from 'junit-report-merger';
import type { CallRecord } from '../model/call-record.js';
import { sampleRecord } from '../testing/compliance.js';
import { renderJunit, renderTable } from './check-report.js';
import type { CheckReport } from './check-report.js';
import { exitCodeFor, judgeRecord } from './check-verdict.js';

function rec(kind: string, mut: (r: CallRecord) => void = () => {}): CallRecord {
  const r = sampleRecord();
  r.request.probeKind = kind;
  r.request.probe = `${kind}-probe`;
  r.findings = { items: [], verdict: 'ok', responseSchemaValid: true };
  mut(r);
  return r;
}

describe('check verdicts', () => {
  it('passes ok records, fails violations and errors, marks drift', () => {
    expect(judgeRecord(rec('chat')).outcome).to.equal('pass');
    expect(judgeRecord(rec('chat', (r) => (r.findings.verdict = 'drift'))).outcome).to.equal('drift');
    expect(judgeRecord(rec('chat', (r) => (r.findings.verdict = 'violation'))).outcome).to.equal('fail');
    expect(
      judgeRecord(rec('chat', (r) => (r.findings = { items: [], errorClass: 'auth' }))).outcome,
    ).to.equal('fail');
    expect(judgeRecord(rec('chat', (r) => (r.findings.requestSchemaValid = false))).outcome).to.equal('fail');
  });

  it('an invalid_request probe passes only when classified bad_request and not retried', () => {
    const good = judgeRecord(
      rec(
        'invalid_request',
        (r) => (r.findings = { items: [], errorClass: 'bad_request', retryable: false }),
      ),
    );
    expect(good.outcome).to.equal('pass');
    expect(good.notes[0]).to.contain('error contract holds');
    expect(judgeRecord(rec('invalid_request')).outcome, 'a 200 to an invalid request fails').to.equal('fail');
    expect(
      judgeRecord(
        rec('invalid_request', (r) => (r.findings = { items: [], errorClass: 'upstream', retryable: true })),
      ).outcome,
    ).to.equal('fail');
  });

  it('a timeout_boundary probe accepts the timeout path but no other error', () => {
    expect(
      judgeRecord(rec('timeout_boundary', (r) => (r.findings = { items: [], errorClass: 'timeout' })))
        .outcome,
    ).to.equal('pass');
    expect(
      judgeRecord(rec('timeout_boundary', (r) => (r.findings = { items: [], errorClass: 'network' })))
        .outcome,
    ).to.equal('fail');
  });

  it('exit codes: 0 holds, 1 drift only with --fail-on drift, 2 violation or telemetry failure', () => {
    const ok = judgeRecord(rec('chat'));
    const drift = judgeRecord(rec('chat', (r) => (r.findings.verdict = 'drift')));
    const bad = judgeRecord(rec('chat', (r) => (r.findings.verdict = 'violation')));
    expect(exitCodeFor([ok, drift], false, false)).to.equal(0);
    expect(exitCodeFor([ok, drift], true, false)).to.equal(1);
    expect(exitCodeFor([ok, drift, bad], true, false)).to.equal(2);
    expect(exitCodeFor([ok], false, true)).to.equal(2);
  });

  it('JUnit output is read by a real JUnit consumer (junit-report-merger) with the right counts', async () => {
    const rep: CheckReport = {
      rows: [
        judgeRecord(rec('chat')),
        judgeRecord(
          rec(
            'chat_stream',
            (r) =>
              (r.findings = {
                items: [{ path: 'choices', kind: 'missing', level: 'violation' }],
                verdict: 'violation',
              }),
          ),
        ),
        judgeRecord(
          rec(
            'invalid_request',
            (r) => (r.findings = { items: [], errorClass: 'bad_request', retryable: false }),
          ),
        ),
      ],
      telemetry: [{ exporter: 'otlp_http', ok: false, error: 'connection refused <&>' }],
      skippedReceivers: [],
      exitCode: 2,
      durationMs: 1234,
    };
    const dir = mkdtempSync(join(tmpdir(), 'dw-junit-'));
    writeFileSync(join(dir, 'check.xml'), renderJunit(rep));
    await mergeFiles(join(dir, 'merged.xml'), [join(dir, 'check.xml')]);
    const merged = readFileSync(join(dir, 'merged.xml'), 'utf8');
    expect(merged).to.match(/<testsuites[^>]*tests="4"/);
    expect(merged).to.match(/<testsuites[^>]*failures="2"/);
    expect(merged).to.contain('connection refused &lt;&amp;&gt;');
    const table = renderTable(rep);
    expect(table).to.contain('2 passed, 1 failed, 0 drift · exit 2');
    expect(table).to.contain('FAIL otlp_http: connection refused');
  });
});
