// SPDX-License-Identifier: Apache-2.0
// docs/signals.md and the code stay in step: every metric in names.ts is documented with its
// type, unit, attributes and Prometheus name; and every name the code actually emits (metrics,
// span names/events/attributes, log event names/attributes) appears in the page.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ALL_METRICS, prometheusName } from './names.js';
import { SignalBuilder } from './signal-builder.js';
import {
  driftRecord,
  eventRecord,
  probeRecord,
  rateLimitedRecord,
  violationRecord,
} from '../testing/signal-records.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../docs/signals.md'), 'utf8');
const unquote = (s: string) => s.trim().replace(/^`|`$/g, '');

interface DocRow {
  kind: string;
  unit: string;
  attributes: string[];
  prometheus: string;
}

function metricRows(): Map<string, DocRow> {
  const rows = new Map<string, DocRow>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').slice(1, -1);
    if (cells.length !== 6 || !/^(counter|histogram|gauge)$/.test(cells[1].trim())) continue;
    const unit = cells[2].trim() === '(none)' ? '' : unquote(cells[2]);
    rows.set(unquote(cells[0]), {
      kind: cells[1].trim(),
      unit,
      attributes: cells[3].split(',').map(unquote).filter(Boolean),
      prometheus: unquote(cells[4]),
    });
  }
  return rows;
}

/** Every backticked token on the page. */
const documented = new Set([...doc.matchAll(/`([^`]+)`/g)].map((m) => m[1]));

function richBatch() {
  const s = probeRecord({ stream: true, traceId: '0af7651916cd43dd8448eb211c80319c' });
  s.response.usage = { ...s.response.usage, cachedTokens: 2, reasoningTokens: 1 };
  s.request.maxTokens = 16;
  s.timings.upstreamMs = 90;
  s.retry = { attempts: 2, addedMs: 100, succeededAfterFailure: true };
  const v = violationRecord();
  v.findings.requestSchemaValid = false;
  v.findings.items.push({ path: 'choices', kind: 'missing', level: 'violation' });
  v.findings.subReason = 'quota';
  v.findings.errorShape = { error: 'object' };
  const t = rateLimitedRecord();
  t.transportError = { code: 'timeout', phase: 'body' };
  t.findings.shapeHash = 'x';
  return [
    probeRecord(),
    s,
    v,
    t,
    driftRecord(),
    eventRecord('probe.budget_exhausted', { probe: 'nonstream' }),
    eventRecord('docs.changed'),
  ];
}

describe('docs/signals.md', () => {
  it('documents every metric of names.ts with its type, unit, attributes and Prometheus name', () => {
    const rows = metricRows();
    expect([...rows.keys()].sort()).to.deep.equal(ALL_METRICS.map((d) => d.name).sort());
    for (const d of ALL_METRICS) {
      expect(rows.get(d.name), d.name).to.deep.equal({
        kind: d.kind,
        unit: d.unit,
        attributes: [...d.attributes],
        prometheus: prometheusName(d),
      });
    }
  });

  it('documents every name the code emits for a rich batch (metrics, spans, events, logs)', async () => {
    const b = new SignalBuilder({
      resource: resourceFromAttributes({}),
      families: new Set(['contract', 'genai']),
      temporality: 'cumulative',
      accessLogSampling: 1,
      traces: true,
      logs: true,
      metrics: true,
    });
    const { spans, logs } = b.build(richBatch());
    const rm = await b.collectMetrics();
    const rows = metricRows();
    const emitted = rm.scopeMetrics.flatMap((sm) => sm.metrics);
    expect(emitted.length).to.be.greaterThan(30);
    for (const m of emitted) {
      const row = rows.get(m.descriptor.name);
      expect(row, `metric ${m.descriptor.name} is documented`).to.not.equal(undefined);
      for (const dp of m.dataPoints)
        for (const k of Object.keys(dp.attributes))
          expect(row!.attributes, `${m.descriptor.name} attribute ${k}`).to.include(k);
    }
    expect(spans.length).to.equal(5);
    for (const s of spans) {
      expect(s.name).to.match(/^chat( |$)/);
      for (const e of s.events) expect(documented, `span event ${e.name}`).to.include(e.name);
      for (const k of Object.keys(s.attributes)) expect(documented, `span attribute ${k}`).to.include(k);
    }
    expect(logs.length).to.equal(4);
    for (const l of logs) {
      for (const k of Object.keys(l.attributes).filter((k) => !k.startsWith('driftwatch.event.')))
        expect(documented, `log attribute ${k}`).to.include(k);
      expect(l.attributes, 'the deprecated event.name attribute').to.not.have.property('event.name');
      expect(documented, 'log EventName').to.include(String(l.eventName));
    }
    await b.shutdown();
  });

  it('maps every metric name of the reliability guide to a name driftwatch exposes', () => {
    // the guide's names as it writes them (cometapi-reliability-guide.md, "Example metrics",
    // "Suggested counters", "Suggested metrics" and the contract table)
    const guide = [
      'llm_request_total',
      'llm_request_schema_invalid_total',
      'llm_request_stream_enabled_total',
      'llm_request_timeout_budget_ms',
      'llm_response_schema_valid_total',
      'llm_response_schema_invalid_total',
      'llm_response_missing_choices_total',
      'llm_response_empty_content_total',
      'llm_response_missing_usage_total',
      'llm_latency_ms',
      'llm_time_to_first_byte_ms',
      'llm_time_to_first_token_ms',
      'llm_completion_duration_ms',
      'llm_client_timeout_total',
      'llm_usage.prompt_tokens',
      'llm_usage.completion_tokens',
      'llm_error.type',
      'llm_error.status_code',
      'llm_contract.response_schema_valid',
      'llm_contract.request_schema_version',
      'llm_contract.endpoint_path',
      'llm_contract.auth_scheme',
    ];
    const section = doc.slice(
      doc.indexOf("## The reliability guide's names"),
      doc.indexOf('## GenAI semantic'),
    );
    const rows = new Map<string, string>();
    for (const line of section.split('\n')) {
      const cells = line.split('|').slice(1, -1);
      if (cells.length === 3 && cells[0].includes('`')) rows.set(unquote(cells[0]), cells[1].trim());
    }
    const exposed = new Set(ALL_METRICS.map(prometheusName));
    for (const name of guide) {
      const to = rows.get(name);
      expect(to, `${name} has a row`).to.not.equal(undefined);
      if (to === '(none)') continue;
      expect(exposed, `${name} → ${to}`).to.include(unquote(to!));
    }
    expect([...rows.keys()].sort()).to.deep.equal([...guide].sort());
  });

  it('mentions no metric name the code does not have', () => {
    const known = new Set(ALL_METRICS.map((d) => d.name));
    const stale = [...documented].filter(
      (t) => /^(llm|gen_ai\.client)\.[a-z_.]+$/.test(t) && !known.has(t) && !t.endsWith('.*'),
    );
    expect(stale).to.deep.equal([]);
  });
});
