// SPDX-License-Identifier: Apache-2.0
// docs/deployment.md's systemd steps, run as a user would run them, from the package tarball:
// each line of the documented block is executed as written, with `sudo` dropped and `/opt`,
// `/etc` and `/var/lib` mapped under a temporary root. What needs systemd as PID 1 (there is
// none in CI) is done the way systemd does it: the installed unit's ExecStart runs with its
// Environment= and EnvironmentFile=, `reload` runs its ExecReload with $MAINPID, `stop` sends
// its KillSignal. Before this test, the documented `npm ci --omit=dev && npm run build` failed
// with "tsc: not found" and the config file the unit reads was never installed.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTool, requireTool } from '../../src/testing/system-tool.js';
import { freePort, waitFor } from '../helpers/child-agent.js';

const REPO = resolve('.');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; files: string[] };

/** The first ```sh block of the systemd section, one command per line, comments dropped. */
function documentedSteps(): string[] {
  const doc = readFileSync('docs/deployment.md', 'utf8');
  const section = doc.slice(doc.indexOf('## systemd'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block
    .split('\n')
    .map((l) => l.replace(/\s{2,}#.*$/, '').trim())
    .filter(Boolean);
}

function sh(cmd: string, cwd: string, env: NodeJS.ProcessEnv): { code: number; out: string } {
  const r = spawnSync('sh', ['-ec', cmd], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

/** systemd's view of a unit: directives of [Service] (repeated keys keep every value). */
function serviceSection(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let inService = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^\[.+\]$/.test(line)) inService = line === '[Service]';
    if (!inService || !line || line.startsWith('#') || !line.includes('=')) continue;
    const i = line.indexOf('=');
    out.set(line.slice(0, i), [...(out.get(line.slice(0, i)) ?? []), line.slice(i + 1)]);
  }
  return out;
}

describe('docs/deployment.md systemd steps from the npm pack tarball', function () {
  this.timeout(600_000);
  let root: string;
  let checkout: string;
  let agent: ChildProcess | undefined;
  let health: number;
  let prometheus: number;
  const map = (s: string) =>
    s
      .replace(/\bsudo /g, '')
      .replaceAll('/opt/driftwatch', join(root, 'opt/driftwatch'))
      .replaceAll('/etc/driftwatch', join(root, 'etc/driftwatch'))
      .replaceAll('/etc/systemd/system', join(root, 'etc/systemd/system'))
      .replaceAll('/var/lib/driftwatch', join(root, 'var/lib/driftwatch'))
      .replaceAll('127.0.0.1:13133', `127.0.0.1:${health}`);

  before(async function () {
    // The unit runs /usr/bin/node: the steps are proved once, on that node's line (CI runs the
    // suite on four lines; this ~3 minute install would otherwise run four times).
    const node = requireTool(
      this,
      "node at /usr/bin/node (the unit's ExecStart)",
      ['/usr/bin/node'],
      'apt-get install nodejs',
    );
    const major = spawnSync(node, ['-p', 'process.versions.node.split(".")[0]'], {
      encoding: 'utf8',
    }).stdout.trim();
    if (major !== process.versions.node.split('.')[0]) {
      process.stderr.write(
        `\n  !!! the unit's /usr/bin/node is Node ${major}: these steps run on that line only\n\n`,
      );
      this.skip();
    }
    root = mkdtempSync(join(tmpdir(), 'dw-systemd-root-'));
    health = await freePort();
    prometheus = await freePort();
    // A checkout as a user has it: the package's files, its build config and dev dependencies.
    checkout = join(root, 'checkout');
    mkdirSync(checkout);
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true }); // exists on every systemd host
    for (const f of [...pkg.files.filter((f) => f !== 'dist'), 'package.json', 'README.md', 'src', 'scripts'])
      cpSync(f, join(checkout, f), { recursive: true });
    for (const f of ['tsconfig.json', 'tsconfig.build.json']) cpSync(f, join(checkout, f));
    symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
  });
  after(() => {
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('every documented line runs; the unit verifies, starts, answers /healthz, reloads and stops with 0', async () => {
    const steps = documentedSteps();
    expect(steps.join('\n')).to.include(`driftwatch-${pkg.version}.tgz`);
    const env = {
      ...process.env,
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
      DRIFTWATCH_BUILD_COMMIT: '',
    };
    let cwd = checkout;
    let unit: Map<string, string[]> | undefined;
    const ran: string[] = [];
    for (const step of steps) {
      const line = map(step);
      if (/^systemctl daemon-reload && systemctl enable --now driftwatch$/.test(line)) {
        unit = serviceSection(readFileSync(join(root, 'etc/systemd/system/driftwatch.service'), 'utf8'));
        agent = startUnit(unit);
        await waitFor(
          'the unit to answer /healthz',
          async () => (await fetch(`http://127.0.0.1:${health}/healthz`)).status === 200 || undefined,
          60_000,
        );
      } else if (/^systemctl reload driftwatch$/.test(line)) {
        const reload = map(unit!.get('ExecReload')![0]);
        const r = sh(reload, cwd, { ...env, MAINPID: String(agent!.pid) });
        expect(r.code, `${reload}: ${r.out}`).to.equal(0);
        await waitFor('the reload', () => logs.includes('Configuration reloaded.') || undefined);
      } else if (line.startsWith('systemd-analyze verify ')) {
        const analyze = findTool(['/usr/bin/systemd-analyze', '/bin/systemd-analyze']);
        if (!analyze) {
          process.stderr.write('\n  !!! systemd-analyze not found: the unit is not verified\n\n');
          continue;
        }
        const r = sh(line, cwd, env);
        const ours = r.out.split('\n').filter((l) => l.includes('driftwatch.service'));
        expect(ours, r.out).to.deep.equal([]);
        expect(r.code, r.out).to.equal(0);
      } else {
        const cd = /^cd (\S+) && (.*)$/.exec(line);
        if (cd) cwd = cd[1];
        const t0 = Date.now();
        const r = sh(cd ? cd[2] : line, cwd, env);
        process.stderr.write(`    ${((Date.now() - t0) / 1000).toFixed(1)} s  ${step.slice(0, 80)}\n`);
        expect(r.code, `${step}\n${r.out}`).to.equal(0);
        if (line.startsWith('curl ')) expect(JSON.parse(r.out)).to.include({ status: 'ok' });
      }
      ran.push(step);
      userEdits(line);
    }
    expect(ran).to.deep.equal(steps);
    // What was installed came from the tarball: compiled code, no TypeScript, no dev deps.
    const opt = join(root, 'opt/driftwatch');
    expect(existsSync(join(opt, 'dist/cli/main.js'))).to.equal(true);
    expect(existsSync(join(opt, 'src'))).to.equal(false);
    expect(existsSync(join(opt, 'node_modules/typescript'))).to.equal(false);
    expect(existsSync(join(opt, 'node_modules/yaml'))).to.equal(true);
    // The installed CLI says what it is (issue 20: the Node line it runs on).
    const v = JSON.parse(sh('node bin/driftwatch.js --version --json', opt, env).out) as Record<
      string,
      unknown
    >;
    expect(v.version).to.equal(pkg.version);
    expect(v.node).to.equal(process.version);
    // systemctl stop: KillSignal, then the agent drains and exits 0 within TimeoutStopSec.
    agent!.kill(unit!.get('KillSignal')![0] as NodeJS.Signals);
    const code = await new Promise<number | null>((r) =>
      agent!.exitCode !== null ? r(agent!.exitCode) : agent!.once('exit', (c) => r(c)),
    );
    expect(code, logs).to.equal(0);
    expect(logs).to.include('Driftwatch stopped.');
  });

  let logs = '';
  /** What the documented comments ask the user to do: put the key in the env file, edit the config. */
  function userEdits(line: string): void {
    const etc = join(root, 'etc/driftwatch');
    if (line.includes('/dev/null') && line.endsWith('driftwatch.env'))
      writeFileSync(
        join(etc, 'driftwatch.env'),
        // A collector that is not there: the stop below must still exit 0.
        `COMETAPI_API_KEY=sk-test-systemd-install\nOTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9\n`,
      );
    if (line.endsWith('/etc/driftwatch/config.yaml'.replace('/etc/driftwatch', etc))) {
      const cfg = join(etc, 'config.yaml');
      writeFileSync(
        cfg,
        readFileSync(cfg, 'utf8')
          .replace('127.0.0.1:13133', `127.0.0.1:${health}`)
          .replace('127.0.0.1:9464', `127.0.0.1:${prometheus}`),
      );
    }
  }

  /** ExecStart with the unit's environment, as systemd would run it (paths under the test root). */
  function startUnit(unit: Map<string, string[]>): ChildProcess {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    for (const e of unit.get('Environment') ?? []) {
      const i = e.indexOf('=');
      env[e.slice(0, i)] = map(e.slice(i + 1));
    }
    for (const f of unit.get('EnvironmentFile') ?? []) {
      const file = map(f.replace(/^-/, ''));
      if (!existsSync(file)) continue;
      for (const l of readFileSync(file, 'utf8').split('\n')) {
        const i = l.indexOf('=');
        if (i > 0) env[l.slice(0, i)] = l.slice(i + 1);
      }
    }
    mkdirSync(env.DRIFTWATCH_DATA_DIR!, { recursive: true }); // StateDirectory=
    const [cmd, ...args] = map(unit.get('ExecStart')![0]).split(/\s+/);
    const p = spawn(cmd, args, { env, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
    return p;
  }
});
