// SPDX-License-Identifier: Apache-2.0
// `driftwatch check` output: a readable table, JSON, and JUnit XML for CI systems.
import type { CheckRow } from './check-verdict.js';

export interface TelemetryCheck {
  exporter: string;
  ok: boolean;
  /** Where the test export went, when the exporter sends somewhere. */
  url?: string;
  error?: string;
}

export interface CheckReport {
  rows: CheckRow[];
  telemetry: TelemetryCheck[];
  skippedReceivers: string[];
  /** Steps that did not finish within their deadline (each fails the check). */
  problems?: string[];
  exitCode: number;
  durationMs: number;
}

const ms = (v?: number) => (v === undefined ? '-' : `${Math.round(v)}ms`);

export function renderTable(rep: CheckReport): string {
  const head = [
    'RECEIVER',
    'PROBE',
    'KIND',
    'RESULT',
    'VERDICT',
    'CLASS',
    'STATUS',
    'TTFB',
    'TTFT',
    'TOTAL',
    'FINDINGS',
  ];
  const rows = rep.rows.map((r) => [
    r.receiver,
    r.probe,
    r.kind,
    r.outcome.toUpperCase(),
    r.verdict,
    r.errorClass ?? '-',
    r.status ?? '-',
    ms(r.ttfbMs),
    ms(r.ttftMs),
    ms(r.totalMs),
    r.notes.slice(0, 3).join('; ') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const out = [line(head), ...rows.map(line)];
  const errs = rep.rows.filter((r) => r.outcome === 'fail' && r.owner);
  if (errs.length > 0) {
    out.push('', 'Who acts first:');
    for (const r of errs) out.push(`  ${r.probe}: ${r.errorClass} → ${r.owner}: ${r.firstAction ?? ''}`);
  }
  const known = rep.rows.filter((r) => r.accepted && r.accepted.length > 0);
  if (known.length > 0) {
    out.push('', 'Known drift (accepted by the contract; does not count):');
    const seen = new Set<string>();
    for (const r of known)
      for (const a of r.accepted!) {
        if (seen.has(a)) continue;
        seen.add(a);
        out.push(`  ${a}`);
      }
  }
  out.push('', 'Telemetry path:');
  for (const t of rep.telemetry)
    out.push(`  ${t.ok ? 'ok  ' : 'FAIL'} ${t.exporter}${t.error ? `: ${t.error}` : ''}`);
  if (rep.telemetry.length === 0) out.push('  (no exporter configured)');
  for (const s of rep.skippedReceivers) out.push(`  note: receiver ${s} cannot run on demand; not checked`);
  if (!rep.rows.some((r) => r.kind === 'invalid_request'))
    out.push(
      '  note: no invalid_request probe ran, so the retry classification of a controlled failure was not confirmed',
    );
  if ((rep.problems ?? []).length > 0) {
    out.push('', 'Deadlines:');
    for (const p of rep.problems!) out.push(`  FAIL ${p}`);
  }
  const n = (o: string) => rep.rows.filter((r) => r.outcome === o).length;
  out.push('', `${n('pass')} passed, ${n('fail')} failed, ${n('drift')} drift · exit ${rep.exitCode}`);
  return out.join('\n') + '\n';
}

export function renderJson(rep: CheckReport): string {
  return JSON.stringify(rep, null, 2) + '\n';
}

function xml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

export function renderJunit(rep: CheckReport): string {
  const suites = new Map<string, CheckRow[]>();
  for (const r of rep.rows) suites.set(r.receiver, [...(suites.get(r.receiver) ?? []), r]);
  const parts: string[] = [];
  let total = 0;
  let failures = 0;
  for (const [name, rows] of suites) {
    const f = rows.filter((r) => r.outcome !== 'pass').length;
    total += rows.length;
    failures += f;
    const time = rows.reduce((s, r) => s + (r.totalMs ?? 0), 0) / 1000;
    parts.push(
      `  <testsuite name="${xml(name)}" tests="${rows.length}" failures="${f}" errors="0" skipped="0" time="${time.toFixed(3)}">`,
    );
    for (const r of rows) {
      parts.push(
        `    <testcase classname="${xml(`${name}.${r.kind}`)}" name="${xml(r.probe)}" time="${((r.totalMs ?? 0) / 1000).toFixed(3)}">`,
      );
      if (r.outcome !== 'pass') {
        const msg = `${r.outcome}: ${r.errorClass ?? r.verdict}`;
        parts.push(
          `      <failure message="${xml(msg)}" type="${xml(r.outcome)}">${xml(r.notes.join('\n'))}</failure>`,
        );
      }
      parts.push('    </testcase>');
    }
    parts.push('  </testsuite>');
  }
  const tf = rep.telemetry.filter((t) => !t.ok).length;
  parts.push(
    `  <testsuite name="telemetry" tests="${rep.telemetry.length}" failures="${tf}" errors="0" skipped="0" time="0">`,
  );
  for (const t of rep.telemetry) {
    parts.push(`    <testcase classname="telemetry" name="${xml(t.exporter)}" time="0">`);
    if (!t.ok) parts.push(`      <failure message="${xml(t.error ?? 'export failed')}" type="telemetry"/>`);
    parts.push('    </testcase>');
  }
  parts.push('  </testsuite>');
  total += rep.telemetry.length;
  failures += tf;
  const late = rep.problems ?? [];
  if (late.length > 0) {
    parts.push(
      `  <testsuite name="deadlines" tests="${late.length}" failures="${late.length}" errors="0" skipped="0" time="0">`,
    );
    late.forEach((p, i) =>
      parts.push(
        `    <testcase classname="deadlines" name="step ${i + 1}" time="0">\n      <failure message="${xml(p)}" type="deadline"/>\n    </testcase>`,
      ),
    );
    parts.push('  </testsuite>');
    total += late.length;
    failures += late.length;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="driftwatch check" tests="${total}" failures="${failures}" errors="0" time="${(rep.durationMs / 1000).toFixed(3)}">\n${parts.join('\n')}\n</testsuites>\n`;
}
