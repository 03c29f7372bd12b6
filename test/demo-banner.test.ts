// SPDX-License-Identifier: Apache-2.0
// Every URL the demo banner prints works when clicked (issue 17: the health URL answered 404 and
// /status was never named). The health endpoint is asked for port 0, so the banner must print
// the port it really got.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnAgent, waitFor } from './helpers/child-agent.js';

describe('demo banner (real process)', function () {
  this.timeout(90_000);

  it('prints status, health (also /) and metrics URLs that answer 200', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-banner-'));
    const demo = spawnAgent([
      'demo',
      '--data-dir',
      dir,
      '--set',
      'extensions.health_check.endpoint=127.0.0.1:0',
    ]);
    try {
      await waitFor('the banner', () => /stop {8}Ctrl-C/.test(demo.stdout()) || undefined, 60_000);
      const banner = demo.stdout();
      const status = /\n {2}status {6}(http:\/\/127\.0\.0\.1:\d+\/status) /.exec(banner)?.[1];
      const health = /\n {2}health {6}(http:\/\/127\.0\.0\.1:\d+\/healthz) /.exec(banner)?.[1];
      const metrics = /self-metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)\)/.exec(banner)?.[1];
      expect(status, banner).to.be.a('string');
      expect(health, banner).to.be.a('string');
      expect(metrics, banner).to.be.a('string');
      expect(banner).to.not.include(':0/');
      const root = health!.replace(/\/healthz$/, '/');
      for (const url of [status!, `${status}.json`, health!, root, metrics!]) {
        const res = await waitFor(`${url} 200`, async () => {
          const r = await fetch(url);
          await r.arrayBuffer();
          return r.status === 200 ? r : undefined;
        });
        expect(res.status, url).to.equal(200);
      }
      expect(((await (await fetch(root)).json()) as { status: string }).status).to.equal('ok');
    } finally {
      demo.proc.kill('SIGTERM');
      await demo.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
