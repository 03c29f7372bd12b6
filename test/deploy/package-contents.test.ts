// SPDX-License-Identifier: Apache-2.0
// What `npm pack` ships: the package's `files` with a fresh build, in a clean folder, listed by
// npm itself. No test code (suites, harnesses, in-process doubles, fixtures) may reach users.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ForwardingModule from '../../src/receivers/proxy/forwarding.js';
import type * as ProxyIndexModule from '../../src/receivers/proxy/index.js';
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

  // the forwarding thread is the one module started by file name, not imported: only the built
  // package shows that its entry ships and loads (the other suites run the sources under tsx)
  it('the built proxy forwards on a thread of its own (forward_thread: true)', async () => {
    expect(files).to.include('dist/receivers/proxy/forward-worker.js');
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    const upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"c1","object":"chat.completion","choices":[]}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const built = (f: string): string => pathToFileURL(join(dir, 'dist/receivers/proxy', f)).href;
    const { forwardOnOwnThread } = (await import(built('forwarding.js'))) as typeof ForwardingModule;
    const { proxyReceiverFactory } = (await import(built('index.js'))) as typeof ProxyIndexModule;
    const cfg = {
      ...proxyReceiverFactory.createDefaultConfig(),
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      forward_thread: true,
    };
    const routes: string[] = [];
    const counted: string[] = [];
    const fwd = await forwardOnOwnThread(
      { id: 'proxy/built', cfg, env: {}, bindHost: '127.0.0.1', port: 0, endpoint: '127.0.0.1:0' },
      {
        record: (r) => void routes.push(r.target.endpoint),
        count: (key) => void counted.push(key),
        log: () => {},
      },
      () => {},
    );
    try {
      const res = await fetch(`http://127.0.0.1:${fwd.address.port}/v1/chat/completions`, {
        method: 'POST',
        body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}',
      });
      expect(await res.json()).to.deep.equal({ id: 'c1', object: 'chat.completion', choices: [] });
      await fwd.flush();
      expect(routes).to.deep.equal(['/v1/chat/completions']);
      expect(counted).to.have.members(['connections', 'calls|2xx|true']);
    } finally {
      await fwd.shutdown(Date.now() + 2000);
      upstream.close();
    }
  });
});
