// SPDX-License-Identifier: Apache-2.0
// No Docker engine runs here, so the Dockerfile's own steps are replayed in clean temporary
// folders: each stage's COPY sources are copied from the repository as the Dockerfile names
// them, its `npm` RUN steps run as written, the runtime stage is started with its ENV,
// ENTRYPOINT and CMD (paths mapped into the temp folder, config read-only), /healthz must
// answer 200, the HEALTHCHECK command must pass, and SIGTERM must stop it cleanly.
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execForm, parseDockerfile } from './dockerfile.js';
import type { Stage } from './dockerfile.js';
import { imageNodeMajor, nodeBinDir } from './node-line.js';
import { requireTool } from '../../src/testing/system-tool.js';
import { freePort } from '../helpers/child-agent.js';

const REPO = resolve('.');
const dockerfile = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
// The image's Node line is the active LTS (24 until October 2026's 26 reaches LTS).
const IMAGE_NODE_MAJOR = 24;

function step(stage: Stage, op: string): string[] {
  return stage.steps.filter((s) => s.op === op).map((s) => s.args);
}

function sh(cmd: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const p = spawn('sh', ['-c', cmd], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => res({ code: code ?? 1, out }));
  });
}

describe('Dockerfile', function () {
  this.timeout(600_000);

  it('is multi-stage, non-root, with a data volume, a node HEALTHCHECK and exec-form ENTRYPOINT', () => {
    const { stages } = dockerfile;
    expect(stages.length, 'stages').to.be.at.least(2);
    const runtime = stages[stages.length - 1];
    expect(imageNodeMajor(runtime.from), `runtime image ${runtime.from}`).to.equal(IMAGE_NODE_MAJOR);
    expect(imageNodeMajor(stages[0].from), `build image ${stages[0].from}`).to.equal(IMAGE_NODE_MAJOR);
    const user = step(runtime, 'USER');
    expect(user, 'USER').to.have.length(1);
    expect(user[0]).to.not.match(/^(root|0)(:|$)/);
    expect(step(runtime, 'VOLUME').join(' ')).to.include('/var/lib/driftwatch');
    const hc = step(runtime, 'HEALTHCHECK')[0] ?? '';
    const hcCmd = execForm(hc.replace(/^.*?CMD /, ''));
    expect(hcCmd?.[0], 'HEALTHCHECK runs node, no curl in the image').to.equal('node');
    expect(hc).to.not.match(/curl|wget/);
    const entry = execForm(step(runtime, 'ENTRYPOINT')[0] ?? '');
    expect(entry?.[0], 'exec-form ENTRYPOINT starting node directly').to.equal('node');
    const runs = step(runtime, 'RUN').join(' ');
    expect(runs).to.match(/npm ci\b[^&]*--omit=dev/);
  });

  describe('replayed in a clean folder', () => {
    let root: string;
    let docs: Server;
    let docsRequests: IncomingHttpHeaders[];
    let agent: ChildProcess | undefined;
    const dirs = new Map<string, string>();
    const skipped: string[] = [];
    // Every step runs on the image's Node line, not on whatever node runs mocha.
    let node = '';
    let path = '';

    before(async function () {
      const binDir = nodeBinDir(IMAGE_NODE_MAJOR);
      node = requireTool(
        this,
        `node ${IMAGE_NODE_MAJOR}`,
        binDir ? [join(binDir, 'node')] : [],
        `bash .ci/lib/node-line.sh ${IMAGE_NODE_MAJOR}`,
      );
      path = `${join(node, '..')}:${process.env.PATH ?? ''}`;
      const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
      expect(version, 'node of the image line').to.match(new RegExp(`^v${IMAGE_NODE_MAJOR}\\.`));
      root = mkdtempSync(join(tmpdir(), 'dw-docker-'));
      docsRequests = [];
      docs = createServer((req, res) => {
        docsRequests.push(req.headers);
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>docs</body></html>');
      });
      await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      if (agent && agent.exitCode === null) agent.kill('SIGKILL');
      docs.closeAllConnections();
      await new Promise<void>((r) => docs.close(() => r()));
      rmSync(root, { recursive: true, force: true });
    });

    it('builds every stage with its own COPY and npm RUN steps', async () => {
      // Prefer the local npm cache so a warm machine needs no registry round trips.
      const env = {
        ...process.env,
        PATH: path,
        npm_config_prefer_offline: 'true',
        npm_config_update_notifier: 'false',
      };
      for (const stage of dockerfile.stages) {
        const dir = join(root, stage.name);
        mkdirSync(dir, { recursive: true });
        dirs.set(stage.name, dir);
        for (const s of stage.steps) {
          if (s.op === 'WORKDIR') expect(s.args, 'WORKDIR').to.equal('/app');
          if (s.op === 'COPY') {
            const parts = s.args.split(' ');
            const from = parts[0].startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
            const dest = join(dir, parts.pop()!);
            for (const src of parts) {
              const source = from ? join(dirs.get(from)!, src.replace(/^\/app\/?/, '')) : join(REPO, src);
              expect(existsSync(source), `COPY source ${src}`).to.equal(true);
              const target =
                parts.length > 1 || dest.endsWith('/') ? join(dest, src.split('/').pop()!) : dest;
              cpSync(source, target, { recursive: true });
            }
          }
          if (s.op === 'RUN') {
            for (const cmd of s.args.split('&&').map((c) => c.trim())) {
              // Only the npm steps are the application's; `npm cache clean` would wipe this
              // machine's cache and only shrinks the layer; mkdir/chown of system paths belong
              // to the image (done here by the temp folder layout).
              if (!cmd.startsWith('npm ') || cmd.startsWith('npm cache clean')) {
                skipped.push(cmd);
                continue;
              }
              const last = stage === dockerfile.stages[dockerfile.stages.length - 1];
              if (!last && cmd.startsWith('npm ci') && process.env.DRIFTWATCH_DOCKER_STEPS_FULL !== '1') {
                // The build stage's full install is the tree this repository's own `npm ci`
                // made from the same lockfile: link it rather than spend a minute re-installing
                // (DRIFTWATCH_DOCKER_STEPS_FULL=1 replays it too). The runtime install, the one
                // that proves production dependencies suffice, always runs.
                symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
                continue;
              }
              const r = await sh(cmd, dir, env);
              expect(r.code, `${stage.name}: ${cmd}\n${r.out.slice(-2000)}`).to.equal(0);
            }
          }
        }
      }
      for (const cmd of skipped) expect(cmd, 'skipped step').to.match(/^(mkdir|chown|npm cache clean)\b/);
      const runtime = dirs.get(dockerfile.stages[dockerfile.stages.length - 1].name)!;
      expect(existsSync(join(runtime, 'node_modules/pino')), 'production dependency present').to.equal(true);
      for (const dev of ['typescript', 'mocha', 'eslint', 'tsx'])
        expect(existsSync(join(runtime, 'node_modules', dev)), `dev dependency ${dev} absent`).to.equal(
          false,
        );
      expect(
        existsSync(join(runtime, 'dist/cli/main.js')),
        'compiled CLI copied from the build stage',
      ).to.equal(true);
    });

    it('starts with its ENTRYPOINT and CMD, answers /healthz 200, passes HEALTHCHECK, stops on SIGTERM', async () => {
      const runtimeStage = dockerfile.stages[dockerfile.stages.length - 1];
      const app = dirs.get(runtimeStage.name);
      expect(app, 'previous test built the stages').to.be.a('string');
      const etc = join(root, 'etc-driftwatch');
      const data = join(root, 'var-lib-driftwatch');
      mkdirSync(etc, { recursive: true });
      mkdirSync(data, { recursive: true });
      const map = (p: string) =>
        p
          .replace(/^\/app(?=\/|$)/, app!)
          .replace(/^\/etc\/driftwatch(?=\/|$)/, etc)
          .replace(/^\/var\/lib\/driftwatch(?=\/|$)/, data);
      const port = await freePort();
      const docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}/chat-completions`;
      // Built-in components only: what a production image has.
      writeFileSync(
        join(etc, 'config.yaml'),
        [
          'receivers:',
          `  docs_watch: { urls: ["${docsUrl}"], initial_delay: 0s, interval: 1h }`,
          'exporters:',
          '  debug: {}',
          'extensions:',
          `  health_check: { endpoint: "127.0.0.1:${port}" }`,
          'service:',
          '  extensions: [health_check]',
          '  pipelines:',
          '    docs: { receivers: [docs_watch], exporters: [debug] }',
          '',
        ].join('\n'),
      );
      chmodSync(join(etc, 'config.yaml'), 0o444);
      chmodSync(etc, 0o555);

      const env: NodeJS.ProcessEnv = { PATH: path, HOME: root };
      for (const e of step(runtimeStage, 'ENV'))
        for (const m of e.matchAll(/(\w+)=(\S+)/g)) env[m[1]] = map(m[2]);
      env.DRIFTWATCH_HEALTHCHECK_URL = `http://127.0.0.1:${port}/healthz`;
      const argv = [
        ...execForm(step(runtimeStage, 'ENTRYPOINT')[0])!,
        ...execForm(step(runtimeStage, 'CMD')[0])!,
      ].map(map);
      expect(argv[0]).to.equal('node');
      let logs = '';
      agent = spawn(node, argv.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
      agent.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
      agent.stderr!.on('data', (d: Buffer) => (logs += d.toString()));

      let status = 0;
      const deadline = Date.now() + 60_000;
      while (status !== 200 && Date.now() < deadline && agent.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status, `/healthz\n${logs.slice(-3000)}`).to.equal(200);

      const hc = execForm(step(runtimeStage, 'HEALTHCHECK')[0].replace(/^.*?CMD /, ''))!;
      const hcRun = await new Promise<number>((res) => {
        const p = spawn(node, hc.slice(1), { env, stdio: 'ignore' });
        p.on('close', (code) => res(code ?? 1));
      });
      expect(hcRun, 'HEALTHCHECK command exit code').to.equal(0);

      // The docs_watch receiver ran in the production build and named itself.
      while (docsRequests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(docsRequests[0]?.['user-agent']).to.match(/^driftwatch/);

      const exit = new Promise<number | null>((res) => agent!.on('exit', (code) => res(code)));
      agent.kill('SIGTERM');
      expect(await exit, `exit code after SIGTERM\n${logs.slice(-2000)}`).to.equal(0);
      expect(readFileSync(join(data, 'receiver-docs_watch', 'pages.json'), 'utf8')).to.include(docsUrl);
      chmodSync(etc, 0o755);
    });
  });
});
