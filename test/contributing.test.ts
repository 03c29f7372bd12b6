// SPDX-License-Identifier: Apache-2.0
// CONTRIBUTING.md's "write a component" walk-through is code, not prose: its `ts file=…` blocks
// are written into a scratch folder of src/processors/, typechecked with the project's strict
// settings, and the factory they define is run as the compliance suite and a pipeline would.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { consumerFromFn, newContext } from '../src/component/consumer.js';
import type { ProcessorFactory } from '../src/component/factory.js';
import { validateAgainst } from '../src/config/component-schema.js';
import type { CallRecord } from '../src/model/call-record.js';
import { sampleRecord } from '../src/testing/compliance.js';
import { nopHost, testSettings } from '../src/testing/nop-host.js';
import { SelfMetrics } from '../src/telemetry/self-metrics.js';

const run = promisify(execFile);
const DOC = readFileSync('CONTRIBUTING.md', 'utf8');
const blocks = [...DOC.matchAll(/^```ts file=(\S+)\n([\s\S]*?)^```$/gm)].map((m) => ({
  file: m[1],
  code: m[2],
}));

describe('CONTRIBUTING.md walk-through', function () {
  this.timeout(120_000);
  const dir = resolve('src/processors', `contributing-example-${process.pid}`);
  before(() => {
    mkdirSync(dir, { recursive: true });
    for (const b of blocks) writeFileSync(join(dir, b.file), b.code);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the three files of the example', () => {
    expect(blocks.map((b) => b.file)).to.deep.equal(['config.ts', 'model-filter-processor.ts', 'index.ts']);
  });

  it('typechecks under the project settings', async () => {
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: '../../../tsconfig.json',
        include: ['./*.ts'],
        compilerOptions: { noEmit: true },
      }),
    );
    const tsc = resolve('node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', tsconfig]).catch((err: { stdout?: string }) => {
      throw new Error(`tsc:\n${err.stdout ?? String(err)}`);
    });
  });

  it('the factory works as the compliance suite and a pipeline use it', async () => {
    const mod = (await import(pathToFileURL(join(dir, 'index.ts')).href)) as Record<string, unknown>;
    const factory = mod.modelFilterProcessorFactory as ProcessorFactory<{ drop_models: string[] }>;
    expect(factory.type).to.equal('model_filter');
    expect(validateAgainst(factory.configSchema, factory.createDefaultConfig())).to.deep.equal([]);
    expect(validateAgainst(factory.configSchema, { drop_model: ['x'] })).to.not.deep.equal([]);

    const metrics = new SelfMetrics();
    const got: CallRecord[] = [];
    const settings = testSettings('processor', 'model_filter', { metrics, pipeline: 'p' });
    await factory.load?.();
    const p = factory.create(
      settings,
      { drop_models: ['canary'] },
      consumerFromFn(async (b) => void got.push(...b)),
    );
    await p.start(nopHost(metrics));
    const canary = sampleRecord();
    canary.request.model = 'canary';
    await p.consume([sampleRecord(), canary], newContext());
    await p.shutdown({ deadline: Date.now() + 1000 });
    expect(got.map((r) => r.request.model)).to.deep.equal(['gpt-4o-mini']);
    expect(metrics.sum('driftwatch_component_dropped_records_total'), 'dropped counter').to.equal(1);
  });
});
