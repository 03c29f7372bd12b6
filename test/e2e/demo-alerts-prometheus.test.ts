// SPDX-License-Identifier: Apache-2.0
// Issue 13's "done when", end to end: `driftwatch demo` with the demo scenario's drift windows on
// a faster schedule, scraped by a real Prometheus 3 that evaluates the shipped alert rules with
// every duration divided by 60 (1 m → 1 s). Each breaking drift window moves the schema-invalid
// counter (the compatible one, a new field, moves the drift counter and leaves the schema-valid
// rate alone), the matching alert fires within its `for` window, no alert fires before the first
// window, and every query of the Grafana dashboard returns data from what Prometheus scraped.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BACKENDS_HINT, PROMETHEUS, Prometheus } from '../../src/testing/backends.js';
import { requireTool } from '../../src/testing/system-tool.js';
import { freePort, getJson, spawnAgent, waitFor } from '../helpers/child-agent.js';

/** Wall time is divided by this: one minute of the rules is one second here. */
const SCALE = 60;
const QUIET_S = 20;
/** The banner comes after the agent started, a little after the simulator: margin for that. */
const START_SLACK_S = 4;
const SPACING_S = 20;
const WINDOW_S = 3;

/** The alert each demo drift window must fire (the rule that owns what the window breaks). */
const MATCHING: Record<string, string> = {
  usage_null: 'LLMResponseSchemaInvalidRate',
  html_200: 'LLMResponseParseFailures',
  stream_cut: 'LLMResponseSchemaInvalidRate',
  renamed_field: 'LLMResponseMissingRequiredPath',
  new_field: 'LLMResponseShapeChanged',
};
/** A new optional field is compatible drift: the contract still holds, so the schema-valid rate
 * must NOT move; the drift counter does, and the shape alert asks for a review. */
const COMPATIBLE = new Set(['new_field']);

function seconds(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}
const scaled = (d: string) => `${Math.max(1, Math.round(seconds(d) / SCALE))}s`;

/** alerts.yaml with every range, offset, `for` and group interval divided by SCALE. */
function fastRules(): { text: string; forSeconds: Record<string, number> } {
  const doc = parse(readFileSync('deploy/prometheus/alerts.yaml', 'utf8')) as {
    groups: Array<{ interval: string; rules: Array<{ alert: string; expr: string; for: string }> }>;
  };
  const forSeconds: Record<string, number> = {};
  for (const g of doc.groups) {
    g.interval = '1s';
    for (const r of g.rules) {
      r.expr = r.expr
        .replace(/\[(\d+[smh])\]/g, (_, d: string) => `[${scaled(d)}]`)
        .replace(/offset (\d+[smh])/g, (_, d: string) => `offset ${scaled(d)}`);
      r.for = seconds(r.for) === 0 ? '0s' : scaled(r.for);
      forSeconds[r.alert] = seconds(r.for);
    }
  }
  return { text: stringify(doc), forSeconds };
}

/**
 * The demo scenario, its scheduled drift windows one after another after a quiet start. Its
 * error mix (429, 503, 500 at 1–2 %) stays; its drifts drawn at random (unknown finish reason,
 * an error event inside a stream) go: they break the contract at random times, page rightly,
 * and would make "nothing before the first window" a matter of luck.
 */
function fastScenario(): { text: string; windows: Array<{ mode: string; startS: number }> } {
  const doc = parse(readFileSync('config/scenarios/demo.yaml', 'utf8')) as {
    drift: Array<{ mode: string; schedule?: Record<string, string> }>;
  };
  doc.drift = doc.drift.filter((r) => r.schedule);
  const windows: Array<{ mode: string; startS: number }> = [];
  for (const r of doc.drift) {
    const startS = QUIET_S + windows.length * SPACING_S;
    r.schedule = { every: '1h', for: `${WINDOW_S}s`, offset: `${startS}s` };
    windows.push({ mode: r.mode, startS });
  }
  return { text: stringify(doc), windows };
}

/** Panels fed by something the demo does not run, with what would feed them. */
const NOT_IN_DEMO: Record<string, string> = {
  'Documentation changes (7d)': 'a docs_watch receiver',
  'TLS certificate time left': 'an https target (the simulator speaks plain http)',
};

function dashboardQueries(): Array<{ where: string; expr: string }> {
  const d = JSON.parse(readFileSync('deploy/grafana/contract-health.json', 'utf8')) as {
    panels: Array<{ id: number; title: string; targets?: Array<{ refId: string; expr: string }> }>;
  };
  return d.panels
    .filter((p) => !(p.title in NOT_IN_DEMO))
    .flatMap((p) =>
      (p.targets ?? []).map((t) => ({
        where: `panel ${p.id} "${p.title}" ${t.refId}`,
        expr: t.expr.replace(/\$__rate_interval/g, '30s').replace(/\$\{?\w+\}?/g, '.*'),
      })),
    );
}

describe('demo drift windows → real Prometheus 3 → shipped alerts and dashboard', function () {
  this.timeout(300_000);
  let bin: string;
  before(function () {
    bin = requireTool(this, 'prometheus', PROMETHEUS, BACKENDS_HINT);
  });

  it('each window moves the schema-valid rate and fires its alert; nothing fires before the first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-demo-alerts-'));
    const rules = fastRules();
    const scenario = fastScenario();
    writeFileSync(join(dir, 'rules.yaml'), rules.text);
    writeFileSync(join(dir, 'scenario.yaml'), scenario.text);
    const metricsPort = await freePort();
    const healthPort = await freePort();
    const prom = new Prometheus(bin, `127.0.0.1:${metricsPort}`, '1s', [join(dir, 'rules.yaml')]);
    await prom.start();
    const demo = spawnAgent([
      'demo',
      '--scenario',
      join(dir, 'scenario.yaml'),
      '--data-dir',
      dir,
      '--set',
      `extensions.health_check.endpoint=127.0.0.1:${healthPort}`,
      '--set',
      `exporters.prometheus.endpoint=127.0.0.1:${metricsPort}`,
      '--set',
      'receivers.probe/simulator.probes=[' +
        '{name: chat, kind: chat, interval: 1s, prompt_sizes: [small, large]},' +
        '{name: stream, kind: chat_stream, interval: 1s},' +
        '{name: usage, kind: usage, interval: 1s},' +
        '{name: invalid, kind: invalid_request, interval: 3s},' +
        '{name: deadline, kind: timeout_boundary, interval: 3s, timeout: 300ms}]',
    ]);
    // the scenario's windows count from the simulator's start, just before the banner is printed
    await waitFor(
      'the demo to start',
      () => (demo.stdout().includes('driftwatch demo') ? true : undefined),
      60_000,
    );
    const t0 = Date.now() / 1000 - 0.5;
    const at = (s: number) => (t0 + s).toFixed(3);
    const queryAt = async (q: string, time: string) => {
      const r = await getJson(
        `${prom.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${encodeURIComponent(time)}`,
      );
      const body = r.body as {
        status: string;
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (body.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(r.body).slice(0, 300)}`);
      return body.data.result;
    };
    try {
      const last = scenario.windows[scenario.windows.length - 1];
      const maxFor = Math.max(...Object.values(MATCHING).map((a) => rules.forSeconds[a]));
      const endS = last.startS + WINDOW_S + maxFor + 8;
      await waitFor(
        'the demo run to pass its last window and alert',
        () => (Date.now() / 1000 - t0 > endS ? true : undefined),
        (endS + 30) * 1000,
      );
      const report: string[] = [];
      // nothing fired before the first window opened (the demo was scraped from its first second)
      const before = await queryAt(
        `count_over_time(ALERTS{alertstate="firing"}[${scenario.windows[0].startS}s])`,
        at(scenario.windows[0].startS - START_SLACK_S),
      );
      expect(
        before.map((r) => r.metric.alertname),
        'alerts firing before the first drift window',
      ).to.deep.equal([]);
      const judged = await queryAt(
        'sum({__name__=~"llm_response_schema_(valid|invalid)_total"})',
        at(scenario.windows[0].startS - START_SLACK_S),
      );
      expect(Number(judged[0]?.value[1] ?? 0), 'calls were judged before the first window').to.be.greaterThan(
        20,
      );
      const failures: string[] = [];
      for (const w of scenario.windows) {
        const span = WINDOW_S + START_SLACK_S + 2;
        const counter = COMPATIBLE.has(w.mode)
          ? 'llm_drift_events_total{kind="new_shape"}'
          : 'llm_response_schema_invalid_total';
        const moved = await queryAt(
          `sum(increase(${counter}[${span}s]))`,
          at(w.startS + span - START_SLACK_S),
        );
        const quiet = await queryAt(`sum(increase(${counter}[${span}s]))`, at(w.startS - START_SLACK_S - 1));
        if (COMPATIBLE.has(w.mode)) {
          const invalid = await queryAt(
            `sum(increase(llm_response_schema_invalid_total[${span}s]))`,
            at(w.startS + span - START_SLACK_S),
          );
          if (Number(invalid[0]?.value[1] ?? 0) > 0)
            failures.push(`${w.mode} moved the schema-invalid counter`);
        }
        const alert = MATCHING[w.mode];
        const deadline = WINDOW_S + rules.forSeconds[alert] + 5;
        const fired = await queryAt(
          `count_over_time(ALERTS{alertname="${alert}",alertstate="firing"}[${deadline}s])`,
          at(w.startS + deadline),
        );
        report.push(
          `${w.mode}@${w.startS}s: ${counter} +${Number(moved[0]?.value[1] ?? 0).toFixed(1)} (before +${Number(quiet[0]?.value[1] ?? 0).toFixed(1)}), ${alert} firing ${fired.length > 0}`,
        );
        // "moves": the counter rises in the window more than it did just before it opened
        if (!(Number(moved[0]?.value[1] ?? 0) > Number(quiet[0]?.value[1] ?? 0)))
          failures.push(`${w.mode} did not move ${counter}`);
        if (fired.length === 0)
          failures.push(`${alert} did not fire within ${deadline}s of the ${w.mode} window`);
      }
      process.stdout.write(`      ${report.join('\n      ')}\n`);
      const empty: string[] = [];
      for (const { where, expr } of dashboardQueries()) {
        const res = await queryAt(expr, (Date.now() / 1000).toFixed(3));
        if (res.length === 0) empty.push(where);
      }
      expect(failures).to.deep.equal([]);
      expect(empty, 'dashboard panels without data').to.deep.equal([]);
    } finally {
      demo.proc.kill('SIGTERM');
      await demo.exited;
      await prom.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
