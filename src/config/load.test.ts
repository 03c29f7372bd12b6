// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../component/errors.js';
import { testRegistry } from '../testing/test-registry.js';
import { loadServiceConfig } from './load.js';

const { registry } = testRegistry();
const dir = mkdtempSync(join(tmpdir(), 'dw-load-'));
let n = 0;
function file(text: string): string {
  const f = join(dir, `c${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}

const GOOD = `
receivers:
  ticker/a: { interval_ms: 10 }
processors:
  batch: {}
exporters:
  debug: { verbosity: detailed }
extensions:
  health_check: { endpoint: 127.0.0.1:0 }
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [ticker/a]
      processors: [batch]
      exporters: [debug]
`;

describe('config loader', () => {
  it('loads a valid file and applies schema defaults', () => {
    const cfg = loadServiceConfig({ files: [file(GOOD)], registry, env: {} });
    expect(cfg.receivers.get('ticker/a')?.config).to.deep.equal({
      interval_ms: 10,
      batch: 1,
      model: 'test-model',
    });
    expect(cfg.processors.get('batch')?.config).to.include({ send_batch_size: 8192, timeout: 200 });
    expect([...cfg.service.pipelines.keys()]).to.deep.equal(['contract']);
  });

  it('expands ${env:VAR}, ${env:VAR:-default} and $$, re-typing whole references', () => {
    const f = file(`
receivers:
  ticker/a: { interval_ms: "\${env:TICK}", model: "m-\${env:MISSING:-dflt}-$$x" }
exporters: { debug: {} }
service: { pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }
`);
    const cfg = loadServiceConfig({ files: [f], registry, env: { TICK: '25' } });
    expect(cfg.receivers.get('ticker/a')?.config).to.include({ interval_ms: 25, model: 'm-dflt-$x' });
  });

  it('deep-merges several files (later wins, lists replace) and applies --set', () => {
    const a = file(GOOD);
    const b = file(`
receivers:
  ticker/a: { batch: 3 }
service: { pipelines: { contract: { processors: [] } } }
`);
    const cfg = loadServiceConfig({
      files: [a, b],
      registry,
      env: {},
      sets: ['receivers.ticker/a.model=gpt-x', 'exporters.debug.verbosity=basic'],
    });
    expect(cfg.receivers.get('ticker/a')?.config).to.deep.equal({
      interval_ms: 10,
      batch: 3,
      model: 'gpt-x',
    });
    expect(cfg.service.pipelines.get('contract')?.processors).to.deep.equal([]);
    expect(cfg.exporters.get('debug')?.config).to.deep.equal({ verbosity: 'basic', output: 'stdout' });
  });

  it('collects secrets and masks them in the effective config', () => {
    const f = file(`
receivers:
  ticker/a: {}
exporters: { debug: {} }
service: { pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }
`);
    const cfg = loadServiceConfig({ files: [f], registry, env: {} });
    expect(cfg.secrets).to.deep.equal([]);
  });

  it('reports every problem of a file at once', () => {
    const f = file(`
receivers:
  ticker/a: { intervall_ms: 10, batch: "x" }
exporters:
  debugg: {}
service:
  pipelines:
    p: { receivers: [ticker/b], exporters: [debug] }
`);
    try {
      loadServiceConfig({ files: [f], registry, env: {} });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).problems).to.have.length.greaterThanOrEqual(4);
    }
  });
});
