// SPDX-License-Identifier: Apache-2.0
// deploy/grafana/contract-health.json: checked against the dashboard model fields Grafana
// requires (npm has no published Grafana dashboard JSON Schema; @grafana/schema ships
// TypeScript types only), its PromQL parsed by a real promtool, and its metric names and
// variables cross-checked with deploy/metric-names.txt and the alert rules.
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { requireTool } from '../../src/testing/system-tool.js';
import { metricNames, selectors } from './deploy-files.js';

const run = promisify(execFile);
const dashboard = JSON.parse(readFileSync('deploy/grafana/contract-health.json', 'utf8')) as Dashboard;

interface Target {
  refId: string;
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown; definition?: string }> };
  annotations: { list: Array<{ expr?: string }> };
}

const gridPos = {
  type: 'object',
  required: ['h', 'w', 'x', 'y'],
  properties: {
    h: { type: 'integer', minimum: 1 },
    w: { type: 'integer', minimum: 1, maximum: 24 },
    x: { type: 'integer', minimum: 0, maximum: 23 },
    y: { type: 'integer', minimum: 0 },
  },
};
const datasourceRef = {
  type: 'object',
  required: ['type', 'uid'],
  properties: { type: { type: 'string' }, uid: { type: 'string' } },
};
// The fields Grafana's dashboard model (schemaVersion 36+) needs to import a dashboard.
const dashboardSchema = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'templating', 'time', 'annotations'],
  properties: {
    uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    schemaVersion: { type: 'integer', minimum: 36 },
    version: { type: 'integer' },
    editable: { type: 'boolean' },
    graphTooltip: { enum: [0, 1, 2] },
    refresh: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    time: {
      type: 'object',
      required: ['from', 'to'],
      properties: { from: { type: 'string' }, to: { type: 'string' } },
    },
    annotations: { type: 'object', required: ['list'], properties: { list: { type: 'array' } } },
    templating: {
      type: 'object',
      required: ['list'],
      properties: {
        list: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'type'],
            properties: {
              name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
              type: { enum: ['query', 'datasource', 'custom', 'constant', 'interval', 'textbox', 'adhoc'] },
              datasource: datasourceRef,
            },
          },
        },
      },
    },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type', 'title', 'gridPos'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          type: {
            enum: [
              'row',
              'timeseries',
              'stat',
              'gauge',
              'state-timeline',
              'table',
              'piechart',
              'bargauge',
              'text',
            ],
          },
          title: { type: 'string', minLength: 1 },
          gridPos,
          datasource: datasourceRef,
          targets: {
            type: 'array',
            items: {
              type: 'object',
              required: ['refId', 'expr'],
              properties: {
                refId: { type: 'string' },
                expr: { type: 'string', minLength: 1 },
                datasource: datasourceRef,
              },
            },
          },
          fieldConfig: { type: 'object', required: ['defaults', 'overrides'] },
        },
        if: { properties: { type: { not: { const: 'row' } } } },
        then: {
          required: ['targets', 'datasource', 'fieldConfig'],
          properties: { targets: { minItems: 1 } },
        },
      },
    },
  },
};

/** Every PromQL expression of the dashboard, with a name saying where it is. */
function expressions(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const p of dashboard.panels)
    for (const t of p.targets ?? [])
      out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr });
  for (const v of dashboard.templating.list) {
    const m = /^label_values\((.+),\s*\w+\)$/.exec(v.definition ?? '');
    if (m) out.push({ where: `variable ${v.name}`, expr: m[1] });
  }
  dashboard.annotations.list.forEach(
    (a, i) => a.expr && out.push({ where: `annotation ${i}`, expr: a.expr }),
  );
  return out;
}

/** Grafana's variables replaced by values PromQL accepts. */
function substitute(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?(\w+)\}?/g, '.*');
}

describe('deploy/grafana/contract-health.json', function () {
  this.timeout(60_000);

  it('has the dashboard model fields Grafana requires', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(dashboardSchema);
    expect(validate(dashboard), JSON.stringify(validate.errors, null, 1)).to.equal(true);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size, 'panel ids are unique').to.equal(ids.length);
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const ps = dashboard.panels;
    for (const p of ps) expect(p.gridPos.x + p.gridPos.w, `panel ${p.id} fits`).to.be.at.most(24);
    for (let i = 0; i < ps.length; i++)
      for (let j = i + 1; j < ps.length; j++) {
        const a = ps[i].gridPos;
        const b = ps[j].gridPos;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `panels ${ps[i].id} and ${ps[j].id} overlap`).to.equal(false);
      }
  });

  it('has a "contract health" section and provider, endpoint and model variables used by every query', () => {
    expect(dashboard.panels.some((p) => p.type === 'row' && /contract health/i.test(p.title))).to.equal(true);
    const names = dashboard.templating.list.map((v) => v.name);
    expect(names).to.include.members(['provider', 'endpoint', 'model']);
    for (const { where, expr } of expressions()) {
      for (const m of expr.matchAll(/\$\{?(\w+)\}?/g))
        if (!m[1].startsWith('__')) expect(names, `${where} uses $${m[1]}`).to.include(m[1]);
    }
    const perCall = expressions().filter((e) =>
      /llm_request_total|llm_error_total|llm_response_/.test(e.expr),
    );
    for (const { where, expr } of perCall.filter((e) => e.where.startsWith('panel')))
      expect(expr, `${where} filters by $provider`).to.include('$provider');
  });

  it('has one panel per item of the guide’s "contract health" list, each naming its alert', () => {
    const row = dashboard.panels.find((p) => p.type === 'row' && /contract health/i.test(p.title))!;
    const next = dashboard.panels.find((p) => p.type === 'row' && p.gridPos.y > row.gridPos.y)!;
    const section = dashboard.panels.filter(
      (p) => p.type !== 'row' && p.gridPos.y > row.gridPos.y && p.gridPos.y < next.gridPos.y,
    );
    const titles = section.map((p) => p.title.toLowerCase());
    for (const item of [
      'schema-valid rate',
      'missing required response paths',
      'parse failures',
      'auth failures',
      'rate-limit and quota',
      'client timeout rate',
      'fallback activation rate',
      'retry success after first failure',
      'usage-field availability',
      'response model distribution',
    ])
      expect(
        titles.filter((t) => t.startsWith(item)),
        item,
      ).to.have.length(1);
    const alerts = readFileSync('deploy/prometheus/alerts.yaml', 'utf8');
    for (const p of section) {
      const named = /Alerts?: ([A-Za-z, ]+)\./.exec((p as Panel & { description: string }).description)?.[1];
      expect(named, `panel "${p.title}" names its alert`).to.be.a('string');
      for (const a of named!.split(', ')) expect(alerts, `${p.title}: ${a}`).to.include(`alert: ${a}`);
    }
  });

  it('uses only listed metric names; every listed name is used by the dashboard or the alerts', () => {
    const known = metricNames();
    const used = new Set<string>();
    const problems: string[] = [];
    for (const { where, expr } of expressions())
      for (const s of selectors(expr)) {
        used.add(s.name);
        const labels = known.get(s.name);
        if (!labels) problems.push(`${where}: ${s.name} is not in deploy/metric-names.txt`);
        else
          for (const l of s.labels)
            if (!labels.has(l)) problems.push(`${where}: ${s.name} has no label ${l}`);
      }
    const alerts = readFileSync('deploy/prometheus/alerts.yaml', 'utf8');
    for (const s of selectors(alerts)) used.add(s.name);
    for (const name of known.keys()) if (!used.has(name)) problems.push(`${name} is listed but used nowhere`);
    expect(problems).to.deep.equal([]);
  });

  it('has PromQL that a real promtool parses', async function () {
    const promtool = requireTool(
      this,
      'promtool',
      ['.cache/promtool/usr/bin/promtool', '/usr/bin/promtool', '/usr/local/bin/promtool'],
      'bash .ci/install.d/30-promtool.sh',
    );
    const dir = mkdtempSync(join(tmpdir(), 'dw-grafana-'));
    try {
      const rules = expressions().map((e, i) => ({
        record: `dashboard:expr_${i}`,
        expr: substitute(e.expr),
      }));
      const file = join(dir, 'dashboard-rules.yaml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      expect((parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups).to.have.length(1);
      const r = await run(promtool, ['check', 'rules', file]).catch(
        (err: { stdout: string; stderr: string }) => err,
      );
      expect(`${r.stdout}${r.stderr}`).to.include(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
