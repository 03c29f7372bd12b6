// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadServiceConfig } from '../config/load.js';
import { loadProcessSettings } from '../config/process-settings.js';
import { silentLogger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { testRegistry } from '../testing/test-registry.js';
import type { TickerReceiver } from '../testing/ticker-receiver.js';
import { Service } from './service.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-svc-'));

function setup() {
  const { registry, sinks } = testRegistry();
  const metrics = new SelfMetrics();
  const service = new Service({
    registry,
    process: loadProcessSettings({ dataDir: join(dir, 'data') }, {}),
    logger: silentLogger(),
    metrics,
  });
  const load = (yaml: string) => {
    const f = join(dir, `c-${Math.random()}.yaml`);
    writeFileSync(f, yaml);
    return loadServiceConfig({ files: [f], registry, env: {} });
  };
  return { service, sinks, metrics, load };
}

const yaml = (model: string, exporters = '[sink/a, sink/b]') => `
receivers: { ticker/t: { interval_ms: 5, batch: 2, model: ${model} } }
processors: { batch: { timeout: 10ms } }
exporters: { sink/a: {}, sink/b: {} }
service: { pipelines: { p: { receivers: [ticker/t], processors: [batch], exporters: ${exporters} } } }
`;

const until = async (fn: () => boolean) => {
  const end = Date.now() + 5000;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('service', () => {
  it('starts exporters before receivers, fans out to every exporter, counts, and stops cleanly', async () => {
    const { service, sinks, metrics, load } = setup();
    await service.start(load(yaml('m1')));
    await until(() => (sinks.get('sink/b')?.records.length ?? 0) >= 10);
    const errors = await service.shutdown(5000);
    expect(errors).to.deep.equal([]);
    const a = sinks.get('sink/a')!;
    const b = sinks.get('sink/b')!;
    expect(a.records.length).to.equal(b.records.length);
    expect(a.stopped && b.stopped).to.equal(true);
    expect(metrics.value('driftwatch_receiver_accepted_records_total', { receiver: 'ticker/t' })).to.equal(
      a.records.length,
    );
    expect(metrics.value('driftwatch_exporter_sent_records_total', { exporter: 'sink/a' })).to.equal(
      a.records.length,
    );
    expect(
      metrics.value('driftwatch_processor_incoming_records_total', { processor: 'batch', pipeline: 'p' }),
    ).to.equal(a.records.length);
  });

  it('reload keeps unchanged components (same instances, state kept) and replaces changed ones', async () => {
    const { service, sinks, load } = setup();
    await service.start(load(yaml('m1')));
    const ticker = service.currentGraph!.find('receiver:ticker/t')!.instance as TickerReceiver;
    const sinkA = sinks.get('sink/a')!;
    await until(() => sinkA.records.length >= 4);
    await service.reload(load(yaml('m1', '[sink/a]')));
    expect(service.currentGraph!.find('receiver:ticker/t')!.instance).to.equal(ticker, 'receiver kept');
    expect(service.currentGraph!.find('exporter:sink/a')!.instance).to.equal(sinkA, 'exporter kept');
    expect(sinks.get('sink/b')!.stopped, 'removed exporter stopped').to.equal(true);
    const n = sinkA.records.length;
    await until(() => sinkA.records.length > n + 4);
    await service.reload(load(yaml('m2', '[sink/a]')));
    const ticker2 = service.currentGraph!.find('receiver:ticker/t')!.instance;
    expect(ticker2).to.not.equal(ticker, 'changed receiver replaced');
    await until(() => sinkA.records.some((r) => r.request.model === 'm2'));
    expect(await service.shutdown(5000)).to.deep.equal([]);
    expect(ticker.emitted).to.equal(ticker.acked, 'the retired receiver drained');
  });

  it('a component reports its status under the key the graph uses; reload forgets it', async () => {
    const { service, load } = setup();
    const withProbe = `
receivers:
  ticker/t: { interval_ms: 50, batch: 1 }
  probe/x: { base_url: "http://127.0.0.1:9/v1", model: m, probes: [{ name: chat, kind: chat, interval: 1h }] }
exporters: { sink/a: {} }
service: { pipelines: { p: { receivers: [ticker/t, probe/x], exporters: [sink/a] } } }
`;
    await service.start(load(withProbe));
    const keys = () => [...service.host.statuses().keys()].filter((k) => k.includes('probe'));
    expect(keys()).to.deep.equal(['receiver:probe/x']);
    await service.reload(load(yaml('m1', '[sink/a]')));
    expect(keys(), 'no stale entry after the probe was removed').to.deep.equal([]);
    expect(await service.shutdown(5000)).to.deep.equal([]);
  });

  it('reload: a replaced processor shows its replacement’s state, not the retired one’s "stopped"', async () => {
    const { service, load } = setup();
    await service.start(load(yaml('m1')));
    await service.reload(load(yaml('m1').replace('timeout: 10ms', 'timeout: 20ms')));
    const states = Object.fromEntries([...service.host.statuses()].map(([k, s]) => [k, s.state]));
    expect(states).to.deep.include({
      'processor:p/batch': 'ok',
      'receiver:ticker/t': 'ok',
      'exporter:sink/a': 'ok',
    });
    expect(Object.values(states), 'no stale state after the reload').to.not.include.members([
      'stopped',
      'stopping',
    ]);
    expect(await service.shutdown(5000)).to.deep.equal([]);
  });

  it('a failing exporter start stops what already started and reports the component', async () => {
    const { service, load } = setup();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    const cfg = load(`
receivers: { ticker/t: {} }
exporters: { sink/a: {} }
extensions: { health_check: { endpoint: "127.0.0.1:${port}" } }
service: { extensions: [health_check], pipelines: { p: { receivers: [ticker/t], exporters: [sink/a] } } }
`);
    let err: unknown;
    await service.start(cfg).catch((e: unknown) => (err = e));
    blocker.close();
    expect(String(err)).to.match(/extension "health_check" failed to start/);
    expect(service.host.serviceState).to.equal('stopped');
  });
});
