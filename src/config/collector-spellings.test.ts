// SPDX-License-Identifier: Apache-2.0
// Spellings operators bring from the OpenTelemetry Collector (issue 14 item 6): Go-style
// durations (`1m30s`) and `${file:…}` references; and `validate` output that stays readable
// when a file is badly broken (at most 50 problems, then "and N more").
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { testRegistry } from '../testing/test-registry.js';
import { parseDurationMs } from '../util/duration.js';
import { loadServiceConfig } from './load.js';

const { registry } = testRegistry();

describe('Collector spellings in the config loader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-spell-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses Go-style compound durations', () => {
    expect(parseDurationMs('1m30s')).to.equal(90_000);
    expect(parseDurationMs('1h2m3.5s')).to.equal(3_723_500);
    expect(parseDurationMs('250ms')).to.equal(250);
    expect(parseDurationMs('1500us')).to.equal(2);
    expect(parseDurationMs('2d')).to.equal(172_800_000);
    expect(parseDurationMs('1m30')).to.equal(undefined);
    expect(parseDurationMs('ten seconds')).to.equal(undefined);
  });

  it('accepts 1m30s where a duration is expected', () => {
    const f = join(dir, 'c.yaml');
    writeFileSync(
      f,
      `receivers: { ticker/a: {} }
processors: { batch: { timeout: 1m30s } }
exporters: { debug: {} }
service: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }
`,
    );
    const cfg = loadServiceConfig({ files: [f], env: {}, registry });
    // the component gets milliseconds; print-config still shows what was written
    expect((cfg.processors.get('batch')!.config as { timeout: number }).timeout).to.equal(90_000);
    expect(cfg.processors.get('batch')!.raw.timeout).to.equal('1m30s');
  });

  it('${file:PATH} is the file content without its final newline; a whole reference is re-typed', () => {
    writeFileSync(join(dir, 'model'), 'gpt-4o-mini\n');
    writeFileSync(join(dir, 'port'), '13999\n');
    const f = join(dir, 'c.yaml');
    writeFileSync(
      f,
      `receivers: { ticker/a: { model: "\${file:${dir}/model}" } }
exporters: { debug: {} }
extensions: { health_check: { endpoint: "127.0.0.1:\${file:${dir}/port}" } }
service: { extensions: [health_check], pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }
`,
    );
    const cfg = loadServiceConfig({ files: [f], env: {}, registry });
    expect((cfg.receivers.get('ticker/a')!.config as { model: string }).model).to.equal('gpt-4o-mini');
    expect((cfg.extensions.get('health_check')!.config as { endpoint: string }).endpoint).to.equal(
      '127.0.0.1:13999',
    );
  });

  it('validate lists at most 50 problems, then "and N more", each line bounded', async () => {
    const keys = Array.from({ length: 120 }, (_, i) => `    unknown_key_${i}: 1`).join('\n');
    const f = join(dir, 'broken.yaml');
    writeFileSync(
      f,
      `receivers:\n  ticker/a:\n${keys}\n    model: "${'m'.repeat(5000)}"\nexporters: { debug: {} }\nservice: { pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }\n`,
    );
    let err = '';
    const code = await main(['validate', '--config', f], {
      io: { out: () => undefined, err: (t) => void (err += t), env: {} },
      registry,
    });
    expect(code).to.equal(2);
    const lines = err.trimEnd().split('\n');
    expect(lines[0]).to.equal('driftwatch: invalid configuration (120 problems):');
    expect(lines).to.have.length(52);
    expect(lines[51]).to.equal('  … and 70 more (fix these and run validate again)');
    for (const l of lines) expect(l.length).to.be.at.most(460);
  });
});
