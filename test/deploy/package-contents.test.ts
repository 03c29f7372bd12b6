// SPDX-License-Identifier: Apache-2.0
// What `npm pack` ships: the package's `files` with a fresh build, in a clean folder, listed by
// npm itself. No test code (suites, harnesses, in-process doubles, fixtures) may reach users.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve('.');
const TEST_CODE = /(^|\/)(testing|fixtures|test)\/|\.test\.|test-harness|nop-host|test-registry/;

describe('npm pack contents', function () {
  this.timeout(180_000);
  let dir: string;
  let files: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-pack-'));
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
    cpSync('package.json', join(dir, 'package.json'));
    for (const f of [...pkg.files.filter((f) => f !== 'dist'), 'README.md'])
      if (existsSync(f)) cpSync(f, join(dir, f), { recursive: true });
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [
      tsc,
      '-p',
      join(REPO, 'tsconfig.build.json'),
      '--outDir',
      join(dir, 'dist'),
    ]);
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir });
    files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the CLI, its compiled code, contracts and pipelines', () => {
    for (const f of ['bin/driftwatch.js', 'dist/cli/main.js', 'package.json', 'README.md'])
      expect(files, f).to.include(f);
    expect(files.some((f) => f.startsWith('config/contracts/'))).to.equal(true);
    expect(files.some((f) => f.startsWith('pipelines/'))).to.equal(true);
  });

  it('ships no test code', () => {
    expect(files.filter((f) => TEST_CODE.test(f))).to.deep.equal([]);
  });
});
