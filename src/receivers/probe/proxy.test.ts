// SPDX-License-Identifier: Apache-2.0
// HTTPS_PROXY / NO_PROXY over loopback: a real CONNECT proxy that counts the tunnels it opens.
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { probeOnce } from '../../testing/probe-once.js';
import { ProviderSimulator } from '../../simulator/server.js';
import { parseScenario } from '../../simulator/scenario.js';

describe('probe receiver through an HTTP proxy', function () {
  this.timeout(30_000);
  let sim: ProviderSimulator;
  let base: string;
  let proxyUrl: string;
  let tunnels: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  before(async () => {
    sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 10 }, first_token: { value: 10 } } }),
    );
    base = await sim.start();
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    proxy.close();
    await sim.stop();
  });
  beforeEach(() => (tunnels = []));

  const cfg = () => ({ base_url: base, probes: [{ name: 'p', kind: 'chat', interval: '1h' }] });

  it('goes through HTTP_PROXY and records that it did', async () => {
    const { records } = await probeOnce(cfg(), { env: { HTTP_PROXY: proxyUrl } });
    expect(records[0].response.status).to.equal(200);
    expect(tunnels).to.deep.equal([new URL(base).host]);
    expect(records[0].extra).to.deep.equal({ proxied: true });
  });

  it('goes direct when NO_PROXY matches', async () => {
    const { records } = await probeOnce(cfg(), { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
    expect(records[0].response.status).to.equal(200);
    expect(tunnels).to.deep.equal([]);
    expect(records[0].timings.connectMs).to.be.a('number');
  });

  it('uses the proxy option over the environment', async () => {
    const { records } = await probeOnce({ ...cfg(), proxy: proxyUrl }, { env: {} });
    expect(records[0].response.status).to.equal(200);
    expect(tunnels).to.have.length(1);
  });
});
