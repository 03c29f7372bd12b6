// SPDX-License-Identifier: Apache-2.0
// The shared compliance suite every registered factory passes (Collector generated component
// tests): the default config is valid; create → shutdown without start; create → start →
// consume one record → shutdown, and the standard counters move.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '../component/component.js';
import { consumerFromFn, newContext } from '../component/consumer.js';
import type { AnyFactory } from '../component/factory.js';
import { validateAgainst } from '../config/component-schema.js';
import { newCallRecord } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';
import { observeExporter, observeProcessorInput } from '../pipeline/observed.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { nopHost, testSettings } from './nop-host.js';

/** Per-type config tweaks so a component can run on loopback in a test (port 0, temp paths). */
export type ComplianceOverrides = Record<string, (dataDir: string) => Record<string, unknown>>;

export function sampleRecord(): CallRecord {
  const r = newCallRecord(
    'probe',
    'probe/compliance',
    { provider: 'test', endpoint: '/v1/chat/completions', serverAddress: '127.0.0.1' },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      stream: false,
      synthetic: true,
      probe: 'compliance',
      probeKind: 'chat',
    },
  );
  r.response.status = 200;
  r.response.body = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'pong.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  };
  r.response.parse = 'json';
  r.timings = { ttfbMs: 10, totalMs: 12 };
  return r;
}

export function runComplianceSuite(
  factories: readonly AnyFactory[],
  overrides: ComplianceOverrides = {},
): void {
  for (const f of factories) {
    describe(`compliance: ${f.kind} ${f.type}`, () => {
      let dir: string;
      beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'dw-compliance-'));
      });
      afterEach(() => rmSync(dir, { recursive: true, force: true }));

      const config = (): unknown => ({
        ...(f.createDefaultConfig() as object),
        ...(overrides[f.type]?.(dir) ?? {}),
      });

      it('has a valid default config', () => {
        const cfg = f.createDefaultConfig();
        expect(validateAgainst(f.configSchema, cfg), 'schema problems').to.deep.equal([]);
        expect(f.createDefaultConfig(), 'createDefaultConfig is pure').to.deep.equal(cfg);
      });

      it('shuts down without start', async () => {
        const c = create(f, config(), dir);
        await c.component.shutdown({ deadline: Date.now() + 5000 });
        await c.component.shutdown({ deadline: Date.now() + 5000 });
      });

      it('starts, consumes, shuts down, and its standard counters move', async () => {
        const c = create(f, config(), dir);
        const host = nopHost(c.metrics);
        await c.component.start(host);
        try {
          if (f.kind === 'processor' || f.kind === 'exporter') {
            await c.consume!([sampleRecord()]);
            const name =
              f.kind === 'processor'
                ? 'driftwatch_processor_incoming_records_total'
                : 'driftwatch_exporter_sent_records_total';
            expect(c.metrics.sum(name), name).to.be.greaterThan(0);
          }
        } finally {
          await c.component.shutdown({ deadline: Date.now() + 5000 });
        }
      });
    });
  }
}

function create(
  f: AnyFactory,
  cfg: unknown,
  dir: string,
): { component: Component; metrics: SelfMetrics; consume?: (b: CallRecord[]) => Promise<void> } {
  const metrics = new SelfMetrics();
  const id = `${f.type}/compliance`;
  const s = testSettings(f.kind, id, {
    dataDir: dir,
    metrics,
    pipeline: f.kind === 'processor' ? 'p' : undefined,
  });
  // Also fills in the schema's defaults, as the config loader does.
  const problems = validateAgainst(f.configSchema, cfg);
  if (problems.length > 0) throw new Error(`${id}: test config invalid: ${JSON.stringify(problems)}`);
  const sink = consumerFromFn(async () => {});
  switch (f.kind) {
    case 'receiver':
      return { component: f.create(s, cfg, sink), metrics };
    case 'processor': {
      const p = f.create(s, cfg, sink);
      const observed = observeProcessorInput(p, s.telemetry);
      return { component: p, metrics, consume: (b) => observed.consume(b, newContext()) };
    }
    case 'exporter': {
      const e = f.create(s, cfg);
      const observed = observeExporter(e, s.telemetry);
      return { component: e, metrics, consume: (b) => observed.consume(b, newContext()) };
    }
    case 'extension':
      return { component: f.create(s, cfg), metrics };
  }
}
