// SPDX-License-Identifier: Apache-2.0
// The health endpoint's server setup (issue 17): `/` answers like /healthz (the Collector's
// health_check path, and the URL the demo banner prints), and a client that trickles its
// request one byte at a time is cut off at read_header_timeout instead of holding a connection.
import { expect } from 'chai';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { HealthCheckExtension } from './health-check.js';
import type { HealthCheckConfig } from './config.js';
import { healthCheckFactory } from './index.js';

async function started(cfg: Partial<HealthCheckConfig> = {}) {
  const host = nopHost();
  host.serviceState = 'running';
  const ext = new HealthCheckExtension(testSettings('extension', 'health_check'), {
    ...healthCheckFactory.createDefaultConfig(),
    endpoint: '127.0.0.1:0',
    path: '/healthz',
    metrics_path: '/metrics',
    ...cfg,
  });
  await ext.start(host);
  return { host, ext, port: (ext.address() as AddressInfo).port };
}

describe('health_check server: routes and timeouts', function () {
  this.timeout(30_000);

  it('answers at / exactly as at /healthz, unless a component registered /', async () => {
    const { host, ext, port } = await started();
    try {
      const root = await fetch(`http://127.0.0.1:${port}/`);
      const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(root.status).to.equal(200);
      expect(root.headers.get('content-type')).to.equal('application/json');
      const a = (await root.json()) as { status: string };
      const b = (await healthz.json()) as { status: string };
      expect(a).to.deep.equal(b);
      expect(a.status).to.equal('ok');
      host.registerRoute('/', (_req, res) => res.end('index'));
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).to.equal('index');
    } finally {
      await ext.shutdown({ deadline: Date.now() + 1000 });
    }
  });

  it('cuts off a client that sends one byte per 250 ms after read_header_timeout', async () => {
    const { ext, port } = await started({ read_header_timeout: 2000, read_timeout: 3000 });
    const request = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(200);
    const started_ = Date.now();
    try {
      const outcome = await new Promise<{ closedAfterMs: number; sent: number; reply: string }>((resolve) => {
        const s = connect(port, '127.0.0.1');
        let sent = 0;
        let reply = '';
        const timer = setInterval(() => {
          if (sent < request.length && !s.destroyed) s.write(request[sent++]);
        }, 250);
        s.on('data', (d: Buffer) => (reply += d.toString()));
        const done = () => {
          clearInterval(timer);
          resolve({ closedAfterMs: Date.now() - started_, sent, reply });
        };
        s.on('close', done);
        s.on('error', () => undefined);
      });
      // Cut off long before the trickle could finish (200+ bytes at 4 per second = 50 s).
      expect(outcome.sent).to.be.below(request.length);
      expect(outcome.reply).to.match(/^HTTP\/1\.1 408 /);
      process.stderr.write(
        `    slow client cut off after ${outcome.closedAfterMs} ms (${outcome.sent} bytes sent)\n`,
      );
    } finally {
      await ext.shutdown({ deadline: Date.now() + 1000 });
    }
  });
});
