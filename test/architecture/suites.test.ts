// SPDX-License-Identifier: Apache-2.0
// The unit / end-to-end split (test/suites.cjs) loses no suite, lists only files that exist,
// and `npm test` still runs both halves.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const suites = createRequire(import.meta.url)('../suites.cjs') as {
  split(): { all: string[]; unit: string[]; e2e: string[] };
  SLOW: string[];
  LINE_E2E: string[];
};
const specOf = (config: string) => (createRequire(import.meta.url)(config) as { spec: string[] }).spec;

/** Every *.test.ts under src/ and test/ as Node lists them, not as suites.cjs's own walk does. */
function testFilesOnDisk(): string[] {
  return ['src', 'test']
    .flatMap((d) =>
      readdirSync(join(root, d), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => `${d}/${f}`),
    )
    .sort();
}

describe('test suites: unit and end-to-end', () => {
  const { all, unit, e2e } = suites.split();

  it('every suite is in exactly one half', () => {
    expect(all.length).to.be.greaterThan(50);
    expect(all, 'suites.cjs finds every test file').to.deep.equal(testFilesOnDisk());
    // what mocha is given, not split()'s own output (which is complementary by construction)
    const unitSpec = specOf('../mocharc.unit.cjs');
    const e2eSpec = specOf('../mocharc.e2e.cjs');
    expect([...unitSpec, ...e2eSpec].sort()).to.deep.equal(all);
    expect(unitSpec.filter((f) => e2eSpec.includes(f))).to.deep.equal([]);
  });

  it('suites that start real servers, tools or child processes are end-to-end', () => {
    for (const f of ['test/e2e/kill-loop.test.ts', 'test/status/demo-status-page.test.ts', ...suites.SLOW])
      expect(e2e, f).to.include(f);
    expect(unit, 'this very suite is unit').to.include('test/architecture/suites.test.ts');
  });

  it('the listed suites exist, and the extra-line subset is end-to-end', () => {
    for (const f of [...suites.SLOW, ...suites.LINE_E2E]) expect(existsSync(join(root, f)), f).to.equal(true);
    for (const f of suites.LINE_E2E) expect(e2e, f).to.include(f);
  });

  it('`npm test` runs both halves, and CI runs the subset on the extra lines', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.test).to.contain('npm run test:unit').and.contain('npm run test:e2e');
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).to.contain('test:e2e:line');
  });
});
