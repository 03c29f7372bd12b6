// SPDX-License-Identifier: Apache-2.0
// HTTPS_PROXY / NO_PROXY over loopback: a real CONNECT proxy that counts the tunnels it opens.
import { expect } from 'chai';
import { startConnectProxy } from '../../testing/connect-proxy.js';
import type { ConnectProxy } from '../../testing/connect-proxy.js';
import { probeOnce } from '../../testing/probe-once.js';
import { ProviderSimulator } from '../../simulator/server.js';
import { parseScenario } from '../../simulator/scenario.js';

describe('probe receiver through an HTTP proxy', function () {
  this.timeout(30_000);
  let sim: ProviderSimulator;
  let base: string;
  let proxy: ConnectProxy;

  before(async () => {
    sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 10 }, first_token: { value: 10 } } }),
    );
    base = await sim.start();
    proxy = await startConnectProxy();
  });
  after(async () => {
    await proxy.close();
    await sim.stop();
  });
  beforeEach(() => (proxy.tunnels.length = 0));

  const cfg = () => ({ base_url: base, probes: [{ name: 'p', kind: 'chat', interval: '1h' }] });

  it('goes through HTTP_PROXY and records that it did', async () => {
    const { records } = await probeOnce(cfg(), { env: { HTTP_PROXY: proxy.url } });
    expect(records[0].response.status).to.equal(200);
    expect(proxy.tunnels).to.deep.equal([new URL(base).host]);
    expect(records[0].extra).to.deep.equal({ proxied: true });
    // the tunnel's phases are the proxy's, and plain HTTP has no TLS to tell of
    expect(records[0].timings.connectMs).to.equal(undefined);
    expect(records[0].tls).to.equal(undefined);
  });

  it('goes direct when NO_PROXY matches', async () => {
    const { records } = await probeOnce(cfg(), { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(records[0].response.status).to.equal(200);
    expect(proxy.tunnels).to.deep.equal([]);
    expect(records[0].timings.connectMs).to.be.a('number');
  });

  it('a proxy that cannot be reached: the connect phase, with its code', async () => {
    const gone = await startConnectProxy();
    await gone.close();
    const { records } = await probeOnce({ ...cfg(), proxy: gone.url }, { env: {} });
    expect(records[0].transportError).to.include({ code: 'ECONNREFUSED', phase: 'connect' });
  });

  it('a proxy that refuses the tunnel: proxy_refused in the connect phase, its answer named', async () => {
    const strict = await startConnectProxy({ refuse: 403 });
    try {
      const { records } = await probeOnce({ ...cfg(), proxy: strict.url }, { env: {} });
      expect(records[0].transportError).to.include({ code: 'proxy_refused', phase: 'connect' });
      expect(records[0].transportError?.message).to.match(/proxy answered 403 to CONNECT 127\.0\.0\.1:\d+/);
    } finally {
      await strict.close();
    }
  });

  it('uses the proxy option over the environment', async () => {
    const { records } = await probeOnce({ ...cfg(), proxy: proxy.url }, { env: {} });
    expect(records[0].response.status).to.equal(200);
    expect(proxy.tunnels).to.have.length(1);
  });
});
