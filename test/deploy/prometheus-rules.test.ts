// SPDX-License-Identifier: Apache-2.0
// deploy/prometheus/alerts.yaml is real PromQL checked by a real promtool (Debian unstable's,
// installed by .ci/install.d/30-promtool.sh), unit-tested by alerts.test.yaml, and every alert
// routes to a runbook whose owner it repeats.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { ErrorClass } from '../../src/model/call-record.js';
import { requireTool } from '../../src/testing/system-tool.js';
import { metricNames, selectors } from './deploy-files.js';

const run = promisify(execFile);
const ALERTS = 'deploy/prometheus/alerts.yaml';

const ERROR_CLASSES = [
  'auth',
  'bad_request',
  'rate_limit',
  'timeout',
  'upstream',
  'network',
  'redirect',
  'parse',
  'schema',
  'client_abort',
  'unknown',
] as const satisfies readonly ErrorClass[];
// Fails to compile when ErrorClass gains a class without a runbook entry here.
const _allClasses: Exclude<ErrorClass, (typeof ERROR_CLASSES)[number]> extends never ? true : false = true;

interface Rule {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function rules(): Rule[] {
  const doc = parse(readFileSync(ALERTS, 'utf8')) as { groups: Array<{ rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

function runbookField(file: string, field: string): string | undefined {
  const m = new RegExp(`^\\*\\*${field}:\\*\\* (.+?)\\s*$`, 'm').exec(readFileSync(file, 'utf8'));
  return m?.[1];
}

describe('deploy/prometheus alert rules', function () {
  this.timeout(60_000);
  let promtool: string;
  before(function () {
    promtool = requireTool(
      this,
      'promtool',
      ['.cache/promtool/usr/bin/promtool', '/usr/bin/promtool', '/usr/local/bin/promtool'],
      'bash .ci/install.d/30-promtool.sh',
    );
  });

  it('pass `promtool check rules`', async () => {
    const { stdout } = await run(promtool, ['check', 'rules', ALERTS]);
    expect(stdout).to.match(/SUCCESS: \d+ rules found/);
  });

  it('pass their unit tests (`promtool test rules`)', async () => {
    const { stdout } = await run(promtool, ['test', 'rules', 'deploy/prometheus/alerts.test.yaml']);
    expect(stdout).to.include('SUCCESS');
  });

  it('each have a promtool case that fires, one that stays quiet, and deliberate probes beside them', () => {
    const doc = parse(readFileSync('deploy/prometheus/alerts.test.yaml', 'utf8')) as {
      tests: Array<{
        input_series: Array<{ series: string }>;
        alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }>;
      }>;
    };
    const fires = new Set<string>();
    const quiet = new Set<string>();
    for (const t of doc.tests) {
      const series = t.input_series.map((i) => i.series).join('\n');
      expect(series, 'the invalid_request probe is in every case').to.include('probe="invalid"');
      expect(series, 'the timeout_boundary probe is in every case').to.include('probe="deadline"');
      for (const e of t.alert_rule_test) (e.exp_alerts.length > 0 ? fires : quiet).add(e.alertname);
    }
    for (const r of rules()) {
      expect(fires, `${r.alert} fires in a case`).to.include(r.alert);
      expect(quiet, `${r.alert} stays quiet in a case`).to.include(r.alert);
    }
  });

  it('cover what the issue asks for, each with summary, owner, first action and an existing runbook', () => {
    const all = rules();
    const names = all.map((r) => r.alert);
    for (const wanted of [
      'LLMResponseSchemaInvalidRate',
      'LLMAuthFailuresAfterDeploy',
      'LLMRateLimited',
      'LLMQuotaExhausted',
      'LLMClientTimeoutRate',
      'LLMProbeFailing',
      'LLMProbeBudgetExhausted',
      'LLMContractReviewOverdue',
      'LLMDocumentationChanged',
      // one per "contract health" item of the reliability guide, expectations, the agent itself
      'LLMResponseMissingRequiredPath',
      'LLMResponseParseFailures',
      'LLMResponseMissingUsage',
      'LLMFallbackActivationRate',
      'LLMRetrySuccessLow',
      'LLMResponseModelChanged',
      'LLMProbeExpectationBroken',
      'DriftwatchExporterFailing',
      'DriftwatchDataLost',
    ])
      expect(names, wanted).to.include(wanted);
    for (const r of all) {
      const a = r.annotations ?? {};
      for (const key of ['summary', 'owner', 'first_action', 'runbook_url'])
        expect(a[key], `${r.alert}: annotation ${key}`).to.be.a('string').and.not.equal('');
      expect(existsSync(a.runbook_url), `${r.alert}: ${a.runbook_url} exists`).to.equal(true);
      expect(r.labels?.severity, `${r.alert}: severity`).to.be.oneOf(['page', 'ticket', 'info']);
      const cls = r.labels?.class ?? '';
      if ((ERROR_CLASSES as readonly string[]).includes(cls)) {
        expect(a.runbook_url, r.alert).to.equal(`docs/runbooks/${cls}.md`);
        expect(a.owner, `${r.alert}: owner matches the runbook`).to.equal(
          runbookField(a.runbook_url, 'Owner'),
        );
      }
    }
  });

  it('use only metric names and labels listed in deploy/metric-names.txt', () => {
    const known = metricNames();
    const problems: string[] = [];
    for (const r of rules()) {
      for (const s of selectors(r.expr)) {
        const labels = known.get(s.name);
        if (!labels) problems.push(`${r.alert}: ${s.name} is not in deploy/metric-names.txt`);
        else
          for (const l of s.labels)
            if (!labels.has(l)) problems.push(`${r.alert}: ${s.name} has no label ${l}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});

describe('docs/runbooks', () => {
  it('has a page per error class with owner, first action and what the signals mean', () => {
    for (const c of ERROR_CLASSES) {
      const file = `docs/runbooks/${c}.md`;
      expect(existsSync(file), file).to.equal(true);
      expect(runbookField(file, 'Owner'), `${file}: Owner`).to.be.a('string');
      expect(runbookField(file, 'First action'), `${file}: First action`).to.be.a('string');
      expect(readFileSync(file, 'utf8'), file).to.include('## What the signals mean');
      expect(readFileSync('docs/runbooks/README.md', 'utf8')).to.include(`](${c}.md)`);
    }
  });
});
