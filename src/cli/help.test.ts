// SPDX-License-Identifier: Apache-2.0
// Every registered command answers `--help`, `-h` and `help CMD` with exit 0 and a page that has
// its usage, every option the parser accepts (with defaults), exit codes and an example, without
// running anything. The README's command list names exactly these commands and only their flags.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { builtinRegistry } from '../components.js';
import { COMMANDS } from './command-specs.js';
import { main } from './main.js';

const registry = builtinRegistry();

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    io: { out: (t) => void (out += t), err: (t) => void (err += t), env: {} },
    registry,
  });
  return { code, out, err };
}

describe('help for every command', () => {
  for (const spec of COMMANDS) {
    it(`${spec.name} --help, -h and help ${spec.name}: usage, options, defaults, exit codes, example`, async () => {
      const long = await cli([spec.name, '--help']);
      expect(long.code, long.err).to.equal(0);
      expect(long.err).to.equal('');
      const page = long.out;
      expect(page.split('\n')[0]).to.equal(`Usage: driftwatch ${spec.synopsis}`);
      expect(page).to.include('\nOptions:\n');
      for (const o of spec.options) {
        expect(page, `--${o.name}`).to.include(`--${o.name}`);
        if (o.default !== undefined) expect(page).to.include(`default ${o.default}`);
      }
      expect(page).to.match(/\nExit codes: \S/);
      expect(page).to.match(/\nExample:\n {2}driftwatch /);
      for (const e of spec.examples) expect(e.split(' ')[1]).to.equal(spec.name);
      // A short page, not the command's output (schema printed 2,405 lines before).
      expect(page.split('\n').length).to.be.below(60);
      expect((await cli([spec.name, '-h'])).out).to.equal(page);
      expect((await cli(['help', spec.name])).out).to.equal(page);
      // --help wins over mistakes on the same line, as git does.
      expect((await cli([spec.name, '--no-such-flag', '--help'])).code).to.equal(0);
    });
  }

  it('driftwatch, help, --help and -h list every command', async () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) {
      const r = await cli(argv);
      expect(r.code).to.equal(0);
      for (const c of COMMANDS) expect(r.out).to.match(new RegExp(`\\n {2}${c.name} +\\S`));
    }
  });

  it('--version, -V and version print the package version, the Node.js line and the commit', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const argv of [['--version'], ['-V'], ['version']]) {
      const r = await cli(argv);
      expect(r.code).to.equal(0);
      expect(r.out.split('\n')[0]).to.equal(`driftwatch ${pkg.version}`);
      expect(r.out).to.include(
        `node       ${process.version} (line ${process.versions.node.split('.')[0]}, `,
      );
      expect(r.out).to.match(/\ncommit {5}([0-9a-f]{40}|unknown)/);
    }
    const j = await cli(['version', '--json']);
    const v = JSON.parse(j.out) as Record<string, unknown>;
    expect(v.version).to.equal(pkg.version);
    expect(v.node).to.equal(process.version);
    expect(v.node_line).to.equal(Number(process.versions.node.split('.')[0]));
    expect(typeof v.node_past_end_of_life).to.equal('boolean');
    expect((await cli(['--version', '--json'])).out).to.equal(j.out);
  });

  it('version names the build commit from DRIFTWATCH_BUILD_COMMIT when set', async () => {
    let out = '';
    const sha = 'a'.repeat(40);
    await main(['version', '--json'], {
      io: { out: (t) => void (out += t), err: () => undefined, env: { DRIFTWATCH_BUILD_COMMIT: sha } },
      registry,
    });
    expect((JSON.parse(out) as { commit: string }).commit).to.equal(sha);
  });

  it("the README's command list names exactly the registered commands, with flags they accept", () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Command line'));
    const block = /```\n([\s\S]*?)```/.exec(section)![1];
    const lines = block.split('\n').filter((l) => l.startsWith('driftwatch '));
    const named = lines.map((l) => l.split(/\s+/)[1]);
    expect([...named].sort()).to.deep.equal(COMMANDS.map((c) => c.name).sort());
    for (const line of lines) {
      const spec = COMMANDS.find((c) => c.name === line.split(/\s+/)[1])!;
      const code = line.split('#')[0];
      for (const flag of code.match(/--[a-z][a-z-]*/g) ?? [])
        expect(
          spec.options.map((o) => `--${o.name}`),
          `${flag} in the README line of ${spec.name}`,
        ).to.include(flag);
    }
  });
});
