// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerFromFn } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import { sampleRecord as complianceRecord } from '../testing/compliance.js';
import { testSettings } from '../testing/nop-host.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { validateProcessorFactory } from '../processors/validate/index.js';
import { ValidateProcessor } from '../processors/validate/validate-processor.js';
import { diffShapes, shapeHash, shapeOf } from './shape.js';
import { ShapeStore } from './shape-store.js';

describe('shape fingerprints', () => {
  it('same keys and types → same hash, whatever the key order and the values', () => {
    const a = { id: 'x', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' } }], n: 1 };
    const b = {
      n: 99,
      choices: [{ message: { content: 'another text', role: 'assistant' }, index: 3 }],
      id: 'y',
    };
    expect(shapeHash(shapeOf(a))).to.equal(shapeHash(shapeOf(b)));
    expect(shapeHash(shapeOf({ ...a, extra: true }))).to.not.equal(shapeHash(shapeOf(a)));
    expect(shapeHash(shapeOf({ ...a, n: '1' }))).to.not.equal(shapeHash(shapeOf(a)));
  });

  it('collapses arrays (n choices have one shape) and drops values', () => {
    const one = shapeOf({ choices: [{ index: 0 }] });
    const three = shapeOf({ choices: [{ index: 0 }, { index: 1 }, { index: 2 }] });
    expect(one).to.deep.equal(three);
    expect(one.join('\n')).to.not.include('0');
  });

  it('diffs added, removed and type-changed paths; null-only differences are not changes', () => {
    const d = diffShapes(shapeOf({ a: 1, b: 'x', c: { d: 1 } }), shapeOf({ a: 'one', c: {}, e: [1] }));
    expect(d.added).to.deep.equal(['e', 'e[]']);
    expect(d.removed).to.have.members(['b', 'c.d']);
    expect(d.changed).to.deep.equal(['a:number->string']);
    expect(diffShapes(shapeOf({ content: 'x' }), shapeOf({ content: null })).changed).to.deep.equal([]);
  });
});

/** The compliance sample plus `refusal: null`, so it meets the strict schema. */
function sampleRecord(): CallRecord {
  const r = complianceRecord();
  const body = r.response.body as { choices: Array<{ message: Record<string, unknown> }> };
  body.choices[0].message.refusal = null;
  return r;
}

describe('validate: shape drift events', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-shapes-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const make = (metrics = new SelfMetrics()) =>
    new ValidateProcessor(
      testSettings('processor', 'validate', { dataDir: dir, metrics, pipeline: 'p' }),
      validateProcessorFactory.createDefaultConfig(),
      consumerFromFn(async () => {}),
    );
  const withExtra = (): CallRecord => {
    const r = sampleRecord();
    (r.response.body as Record<string, unknown>).provider_metadata = { region: 'eu' };
    return r;
  };

  it('learns the first shape silently, announces an added field once, and not again after a restart', async () => {
    const metrics = new SelfMetrics();
    const v = make(metrics);
    await v.start({} as never);
    const first = [sampleRecord(), sampleRecord()];
    v.process(first);
    expect(first.map((r) => r.findings.verdict)).to.deep.equal(['ok', 'ok']);
    expect(first[0].findings.shapeHash).to.match(/^[0-9a-f]{16}$/);
    expect(first[0].findings.shapeHash).to.equal(first[1].findings.shapeHash);

    const changed = [withExtra(), withExtra()];
    v.process(changed);
    expect(changed[0].findings.verdict).to.equal('drift');
    expect(changed[0].findings.shapeDiff).to.deep.equal({
      added: ['provider_metadata', 'provider_metadata.region'],
      removed: [],
      changed: [],
    });
    expect(changed[1].findings.shapeDiff, 'only one drift event').to.equal(undefined);
    expect(changed[1].findings.verdict).to.equal('ok');
    expect(metrics.sum('driftwatch_validate_new_shapes_total')).to.equal(1);
    await v.shutdown({ deadline: Date.now() + 1000 });
    const saved = JSON.parse(readFileSync(join(dir, 'known-shapes.json'), 'utf8')) as { keys: object };
    expect(Object.keys(saved.keys)).to.have.length(1);

    // restart: same data dir, same shapes → no new announcement
    const metrics2 = new SelfMetrics();
    const v2 = make(metrics2);
    await v2.start({} as never);
    const again = [sampleRecord(), withExtra()];
    v2.process(again);
    expect(again.map((r) => r.findings.shapeDiff)).to.deep.equal([undefined, undefined]);
    expect(again.map((r) => r.findings.verdict)).to.deep.equal(['ok', 'ok']);
    expect(metrics2.sum('driftwatch_validate_new_shapes_total')).to.equal(0);
  });

  it('a corrupt shape file is reported and ignored, never a crash', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'known-shapes.json'), '{not json');
    const v = make();
    await v.start({} as never);
    const rs = [sampleRecord()];
    v.process(rs);
    expect(rs[0].findings.verdict).to.equal('ok');
  });
});

describe('shape store bounds', () => {
  it('past its bounds new shapes are reported as overflow and not learned', () => {
    const s = new ShapeStore(undefined, { maxKeys: 1, maxShapesPerKey: 2 });
    const none = new Set<string>();
    const sh = (k: string) => shapeOf({ [k]: 1 });
    expect(s.observe('k', shapeHash(sh('a')), sh('a'), none).baseline).to.equal(true);
    expect(s.observe('k', shapeHash(sh('b')), sh('b'), none).diff?.added).to.deep.equal(['b']);
    expect(s.observe('k', shapeHash(sh('c')), sh('c'), none).overflow).to.equal(true);
    expect(s.observe('other', shapeHash(sh('a')), sh('a'), none).overflow).to.equal(true);
    expect(s.size).to.equal(2);
  });

  it('pinned baseline hashes are known without learning', () => {
    const s = new ShapeStore(undefined);
    const shape = shapeOf({ a: 1 });
    expect(s.observe('k', shapeHash(shape), shape, new Set([shapeHash(shape)])).known).to.equal(true);
    expect(s.size).to.equal(0);
  });
});

describe('validate: pinned shapes only (shapes.learn: false)', () => {
  it('accepts the pinned hash and flags any other shape as drift', async () => {
    const { mkdtempSync: mk, writeFileSync: wf, readFileSync: rf, rmSync: rm } = await import('node:fs');
    const d = mk(join(tmpdir(), 'dw-pin-'));
    try {
      const shipped = rf('config/contracts/openai-chat-completions.yaml', 'utf8').replace(
        /schemas\//g,
        `${process.cwd()}/config/contracts/schemas/`,
      );
      const pinned = shapeHash(shapeOf(sampleRecord().response.body));
      const text = shipped.replace(
        /shapes:\n(.|\n)*$/,
        `shapes:\n  learn: false\n  baseline: ['${pinned}']\n`,
      );
      wf(join(d, 'c.yaml'), text);
      const v = new ValidateProcessor(
        testSettings('processor', 'validate', { dataDir: d }),
        { ...validateProcessorFactory.createDefaultConfig(), contract: join(d, 'c.yaml') },
        consumerFromFn(async () => {}),
      );
      const same = sampleRecord();
      const other = sampleRecord();
      (other.response.body as Record<string, unknown>).extra_field = 1;
      v.process([same, other]);
      expect(same.findings.verdict).to.equal('ok');
      expect(other.findings.verdict).to.equal('drift');
      expect(other.findings.items.map((i) => i.note)).to.include('unpinned_shape');
      expect(other.findings.shapeDiff).to.equal(undefined);
    } finally {
      rm(d, { recursive: true, force: true });
    }
  });
});
