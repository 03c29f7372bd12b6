// SPDX-License-Identifier: Apache-2.0
// The shared compliance suite every registered factory passes (Collector generated component
// tests): the default config is valid; create → shutdown without start; create → start → work
// (consume a record, or be driven to produce or serve) → shutdown, and then the component's
// own counters moved and the standard counters match what really reached the next consumer.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '../component/component.js';
import { consumerFromFn, newContext } from '../component/consumer.js';
import type { AnyFactory } from '../component/factory.js';
import { loadBlock, schemaDefaults } from '../config/component-schema.js';
import { deepFreeze } from '../config/normalise.js';
import { newCallRecord } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';
import {
  observeProcessorInput,
  observeProcessorOutput,
  observeReceiverOutput,
} from '../pipeline/observed.js';
import type { ServiceHost } from '../service/host.js';
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

/** A started component under test, and what it produced. */
export interface Exercised {
  component: Component;
  host: ServiceHost;
  metrics: SelfMetrics;
  dataDir: string;
  /** Records that reached the next consumer (receivers and processors). */
  received: CallRecord[];
}

/**
 * How the suite makes one component type do its work and what it then checks. A component's
 * own counters are those it moves itself; the standard counters the pipeline's wrappers move
 * (accepted, incoming, sent…) are checked separately against what really happened.
 */
export interface ComplianceCase {
  /** Config tweaks so it runs on loopback in a test (port 0, temp paths, local targets). */
  config?: (dataDir: string) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The record a processor or exporter consumes (default: sampleRecord()). */
  record?: () => CallRecord;
  /** Makes the started component work once: a receiver produces a record, an extension serves. */
  drive?: (x: Exercised) => Promise<void>;
  /** Counters this component moves itself; each must have moved after drive / consume. */
  ownCounters: readonly string[];
  /** Why ownCounters is empty (the component keeps no counters of its own). */
  noOwnCounters?: string;
  /** Checks the real effect (data at a backend, a page served…), beyond counters. */
  verify?: (x: Exercised) => Promise<void>;
  after?: () => Promise<void>;
}
export type ComplianceCases = Record<string, ComplianceCase>;

const WRAPPER_COUNTERS = new Set([
  'driftwatch_receiver_accepted_records_total',
  'driftwatch_receiver_refused_records_total',
  'driftwatch_processor_incoming_records_total',
  'driftwatch_processor_outgoing_records_total',
  'driftwatch_exporter_sent_records_total',
  'driftwatch_exporter_send_failed_records_total',
]);

/** Polls until `cond` holds (a receiver works in the background). */
export async function eventually(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function runComplianceSuite(factories: readonly AnyFactory[], cases: ComplianceCases): void {
  it('every registered component type has a compliance case', () => {
    expect(factories.map((f) => f.type).filter((t) => !cases[t])).to.deep.equal([]);
  });
  for (const f of factories) {
    const k = cases[f.type];
    if (!k) continue;
    describe(`compliance: ${f.kind} ${f.type}`, () => {
      let dir: string;
      beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'dw-compliance-'));
      });
      afterEach(() => rmSync(dir, { recursive: true, force: true }));
      // as Graph.build does: the implementation is imported before create()
      before(async () => f.load?.());
      after(async () => k.after?.());

      // as written in YAML (durations like `50ms`): create() loads it as the config loader does
      const config = async (): Promise<unknown> => ({
        ...schemaDefaults(f.configSchema),
        ...((await k.config?.(dir)) ?? {}),
      });

      it('has a valid default config, the one the loader gives an empty block', () => {
        const cfg = f.createDefaultConfig();
        const loaded = loadBlock(f.configSchema, {});
        expect(loaded.problems, 'schema problems').to.deep.equal([]);
        expect(cfg, 'createDefaultConfig = the loaded empty block').to.deep.equal(loaded.config);
        expect(f.createDefaultConfig(), 'createDefaultConfig is pure').to.deep.equal(cfg);
      });

      it('shuts down without start', async () => {
        const c = create(f, await config(), dir);
        await c.component.shutdown({ deadline: Date.now() + 5000 });
        await c.component.shutdown({ deadline: Date.now() + 5000 });
      });

      it('starts, works, shuts down; its own counters and the standard ones tell the truth', async () => {
        expect(
          k.ownCounters.length > 0 || Boolean(k.noOwnCounters),
          'name its own counters or say why it has none',
        ).to.equal(true);
        expect(
          k.ownCounters.filter((n) => WRAPPER_COUNTERS.has(n)),
          'own, not the wrappers’',
        ).to.deep.equal([]);
        const c = create(f, await config(), dir);
        const x: Exercised = {
          component: c.component,
          host: nopHost(c.metrics),
          metrics: c.metrics,
          dataDir: dir,
          received: c.received,
        };
        const id = `${f.type}/compliance`;
        await c.component.start(x.host);
        try {
          if (c.consume) await c.consume([(k.record ?? sampleRecord)()]);
          await k.drive?.(x);
          if (f.kind === 'receiver') {
            await eventually(() => x.received.length > 0, `${id} to produce a record`);
            for (const r of x.received) expect(r.receiver, 'record names its receiver').to.equal(id);
          }
          await k.verify?.(x);
        } finally {
          await c.component.shutdown({ deadline: Date.now() + 5000 });
        }
        for (const name of k.ownCounters) expect(c.metrics.sum(name), name).to.be.greaterThan(0);
        const m = c.metrics;
        if (f.kind === 'receiver')
          expect(m.sum('driftwatch_receiver_accepted_records_total', { receiver: id }), 'accepted').to.equal(
            x.received.length,
          );
        if (f.kind === 'processor') {
          const labels = { processor: id, pipeline: 'p' };
          const incoming = m.sum('driftwatch_processor_incoming_records_total', labels);
          const outgoing = m.sum('driftwatch_processor_outgoing_records_total', labels);
          const dropped = m.sum('driftwatch_component_dropped_records_total', { component_id: id });
          expect(incoming, 'incoming').to.equal(1);
          expect(outgoing, 'outgoing = what reached the next consumer').to.equal(x.received.length);
          expect(outgoing + dropped, 'every record passed on or counted as dropped').to.equal(incoming);
        }
      });
    });
  }
}

function create(
  f: AnyFactory,
  cfg: unknown,
  dir: string,
): {
  component: Component;
  metrics: SelfMetrics;
  received: CallRecord[];
  consume?: (b: CallRecord[]) => Promise<void>;
} {
  const metrics = new SelfMetrics();
  const id = `${f.type}/compliance`;
  const s = testSettings(f.kind, id, {
    dataDir: dir,
    metrics,
    pipeline: f.kind === 'processor' ? 'p' : undefined,
  });
  // Fills in the schema's defaults and converts durations, as the config loader does.
  const { problems, config } = loadBlock(f.configSchema, cfg);
  if (config === undefined) throw new Error(`${id}: test config invalid: ${JSON.stringify(problems)}`);
  cfg = deepFreeze(config);
  const received: CallRecord[] = [];
  const sink = consumerFromFn(async (b) => void received.push(...b));
  switch (f.kind) {
    case 'receiver':
      // Wired as the graph wires it: the standard counters come from the same wrapper.
      return { component: f.create(s, cfg, observeReceiverOutput(sink, s.telemetry)), metrics, received };
    case 'processor': {
      const p = f.create(s, cfg, observeProcessorOutput(sink, s.telemetry));
      const observed = observeProcessorInput(p, s.telemetry);
      return { component: p, metrics, received, consume: (b) => observed.consume(b, newContext()) };
    }
    case 'exporter': {
      // No wrapper: what counts is what the exporter itself did.
      const e = f.create(s, cfg);
      return { component: e, metrics, received, consume: (b) => e.consume(b, newContext()) };
    }
    case 'extension':
      return { component: f.create(s, cfg), metrics, received };
  }
}
