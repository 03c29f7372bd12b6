// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { probeReceiverFactory } from '../receivers/probe/index.js';
import { stableJson } from '../pipeline/graph.js';
import { otlpHttpExporterFactory } from '../exporters/otlp-http/index.js';
import { testRegistry } from '../testing/test-registry.js';
import { loadBlock, validateAgainst } from './component-schema.js';
import { loadServiceConfig } from './load.js';
import { deepFreeze } from './normalise.js';
import { Duration, Settings, Type } from './typed-schema.js';

const pipeline = (batch: string): string => `
receivers: { ticker/a: {} }
processors: { batch: ${batch} }
exporters: { debug: {} }
service: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }
`;

describe('config normalised once', () => {
  it('turns every duration into milliseconds, in nested blocks and list items too', () => {
    const { problems, config } = loadBlock<{
      timeout: number;
      probes: Array<{ interval: number; timeout?: number; retry: { backoff: number } }>;
    }>(probeReceiverFactory.configSchema, {
      timeout: '1m30s',
      probes: [
        { name: 'a', kind: 'chat', interval: '2h', retry: { backoff: '250ms' } },
        { name: 'b', kind: 'chat', timeout: '1.5s' },
      ],
    });
    expect(problems).to.deep.equal([]);
    expect(config!.timeout).to.equal(90_000);
    expect(config!.probes.map((p) => [p.interval, p.timeout, p.retry.backoff])).to.deep.equal([
      [7_200_000, undefined, 250],
      [60_000, 1_500, 1_000],
    ]);
  });

  it('loads an empty optional duration as undefined ("take the environment variable")', () => {
    const { config } = loadBlock<{ timeout?: number; retry_on_failure: { max_elapsed_time: number } }>(
      otlpHttpExporterFactory.configSchema,
      { timeout: '' },
    );
    expect(config!.timeout).to.equal(undefined);
    expect(config!.retry_on_failure.max_elapsed_time).to.equal(300_000);
  });

  it('keeps refusing a bare number with the hint, and leaves the block as written', () => {
    const raw = { timeout: 30 };
    const { problems, config } = loadBlock(probeReceiverFactory.configSchema, raw);
    expect(config).to.equal(undefined);
    expect(problems.map((p) => p.message)).to.deep.equal([
      'a bare number is not a duration: write 30s or 30ms (units: ms, s, m, h, d; 1m30s works)',
    ]);
  });

  it('gives components a frozen config and print-config the block as written', () => {
    const { registry } = testRegistry();
    const cfg = loadServiceConfig({
      files: [],
      inline: [['a.yaml', pipeline('{ timeout: 1m30s }')]],
      registry,
      env: {},
    });
    const batch = cfg.processors.get('batch')!;
    expect(batch.config).to.include({ timeout: 90_000 });
    expect(Object.isFrozen(batch.config)).to.equal(true);
    expect(() => ((batch.config as { timeout: number }).timeout = 1)).to.throw(TypeError);
    expect((cfg.effective.processors as Record<string, { timeout: unknown }>).batch.timeout).to.equal(
      '1m30s',
    );
  });

  it('makes 30s and 30000ms the same config, so a reload keeps the instance', () => {
    const { registry } = testRegistry();
    const load = (t: string) =>
      loadServiceConfig({
        files: [],
        inline: [['a.yaml', pipeline(`{ timeout: ${t} }`)]],
        registry,
        env: {},
      });
    const a = load('30s').processors.get('batch')!.config;
    expect(stableJson(load('30000ms').processors.get('batch')!.config)).to.equal(stableJson(a));
    expect(stableJson(load('31s').processors.get('batch')!.config)).to.not.equal(stableJson(a));
  });

  it('Settings: a key with a default is not required of the user, one without is', () => {
    const s = Settings({ name: Type.String(), every: Duration('5s', 'how often') });
    expect(s.required).to.deep.equal(['name']);
    expect(validateAgainst(s, {}).map((p) => p.message)).to.deep.equal(['missing required key "name"']);
    expect(s.properties.every).to.include({ type: 'string', 'x-unit': 'duration', default: '5s' });
  });

  it('deepFreeze reaches lists and nested maps', () => {
    const v = deepFreeze({ a: [{ b: 1 }], c: { d: { e: 2 } } });
    expect([Object.isFrozen(v.a), Object.isFrozen(v.a[0]), Object.isFrozen(v.c.d)]).to.deep.equal([
      true,
      true,
      true,
    ]);
  });
});
