// SPDX-License-Identifier: Apache-2.0
// The tunnel agent over real loopback: an openssl-made CA, an HTTPS upstream and an HTTP one,
// and CONNECT proxies that tunnel, refuse, hang or speak TLS themselves.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { startConnectProxy } from '../testing/connect-proxy.js';
import type { ConnectProxy, ConnectProxyOptions } from '../testing/connect-proxy.js';
import { suitePki } from '../testing/test-pki.js';
import type { TestPki } from '../testing/test-pki.js';
import { claimOpened, markCall, openingFailure, tunnelAgent } from './tunnel-agent.js';
import type { TunnelOpened, TunnelledCall } from './tunnel-agent.js';

describe('tunnel agent (CONNECT through a real loopback proxy)', function () {
  this.timeout(30_000);
  let dir: string;
  let ca: string;
  const closers: Array<() => unknown> = [];
  let httpsUpstream: string;
  let httpUpstream: string;

  before(async function () {
    let pki: TestPki;
    ({ dir, pki } = suitePki(this, 'dw-tunnel-'));
    pki.issue('good', { san: 'IP:127.0.0.1' });
    ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const answer = (_req: unknown, res: { end(b: string): void }) => res.end('{}');
    const tls = createTlsServer(
      { key: readFileSync(join(dir, 'good.key')), cert: readFileSync(join(dir, 'good.pem')) },
      answer,
    );
    const plain = createServer(answer);
    for (const s of [tls, plain]) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      closers.push(() => s.close());
    }
    httpsUpstream = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    httpUpstream = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const c of closers.splice(0)) await c();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function proxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
    const p = await startConnectProxy(opts);
    closers.push(() => p.close());
    return p;
  }

  /** One GET through `agent`; what its connection told and how it ended. */
  function get(agent: Dispatcher, origin: string) {
    const call: TunnelledCall = {};
    return new Promise<{ opened?: TunnelOpened; status?: number; error?: Error; phase?: string }>(
      (resolve) => {
        let status: number | undefined;
        agent.dispatch(markCall({ origin, path: '/', method: 'GET' }, call), {
          onRequestStart: () => {},
          onResponseStart: (_c, code) => (status = code),
          onResponseEnd: () => resolve({ opened: claimOpened(call), status }),
          onResponseError: (_c, error) => resolve({ error, phase: openingFailure(call)?.phase }),
        });
      },
    );
  }

  it('reads the upstream certificate through the tunnel, for the call that opened it only', async () => {
    const p = await proxy();
    const opened: TunnelOpened[] = [];
    const agent = tunnelAgent({ uri: p.url, requestTls: { ca } }, { opened: (o) => opened.push(o) });
    try {
      const first = await get(agent, httpsUpstream);
      await new Promise((r) => setTimeout(r, 10)); // undici frees the connection after the end
      const second = await get(agent, httpsUpstream);
      expect(first.opened?.tls?.certDaysLeft).to.be.within(19, 20.01);
      expect(first.opened?.tls?.protocol).to.match(/^TLSv1\.[23]$/);
      expect(p.tunnels, 'one tunnel for both calls').to.have.length(1);
      expect(second.opened).to.equal(undefined);
      expect(opened).to.have.length(1);
      expect(p.tunnels).to.have.length(1);
    } finally {
      await agent.destroy();
    }
  });

  it('a tunnel past clientTtl is replaced, and the new one read again (no resumed session)', async () => {
    const p = await proxy();
    const agent = tunnelAgent({ uri: p.url, requestTls: { ca }, clientTtl: 100 });
    try {
      expect((await get(agent, httpsUpstream)).opened?.tls?.certDaysLeft).to.be.a('number');
      await new Promise((r) => setTimeout(r, 150));
      // a full handshake again: a resumed session would show no certificate
      expect((await get(agent, httpsUpstream)).opened?.tls?.certDaysLeft).to.be.a('number');
      expect(p.tunnels).to.have.length(2);
    } finally {
      await agent.destroy();
    }
  });

  it("an http: upstream behind an https: proxy has no TLS of its own (the proxy's is not the upstream's)", async () => {
    const p = await proxy({
      tls: { key: readFileSync(join(dir, 'good.key')), cert: readFileSync(join(dir, 'good.pem')) },
    });
    const agent = tunnelAgent({ uri: p.url, proxyTls: { ca } });
    try {
      const out = await get(agent, httpUpstream);
      expect(out.error).to.equal(undefined);
      expect(p.tunnels).to.have.length(1);
      expect(out.opened).to.deep.equal({});
    } finally {
      await agent.destroy();
    }
  });

  it("the https: proxy's own certificate refused: the connect phase, the proxy named", async () => {
    const p = await proxy({
      tls: { key: readFileSync(join(dir, 'good.key')), cert: readFileSync(join(dir, 'good.pem')) },
    });
    const agent = tunnelAgent({ uri: p.url, requestTls: { ca } }); // the proxy's CA not trusted
    try {
      const out = await get(agent, httpsUpstream);
      expect(out.phase).to.equal('connect');
      expect(out.error?.message).to.match(/^the HTTP\(S\) proxy: /);
      expect((out.error as { code?: string }).code).to.match(
        /UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
      );
    } finally {
      await agent.destroy();
    }
  });

  it("the upstream's certificate refused through the tunnel: the tls phase", async () => {
    const p = await proxy();
    const agent = tunnelAgent({ uri: p.url }); // the upstream's CA not trusted
    try {
      const out = await get(agent, httpsUpstream);
      expect(out.phase).to.equal('tls');
      expect((out.error as { code?: string }).code).to.match(
        /UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
      );
    } finally {
      await agent.destroy();
    }
  });

  it('a proxy that never answers CONNECT: UND_ERR_CONNECT_TIMEOUT after connectTimeout, in the connect phase', async () => {
    const p = await proxy({ silent: true });
    const agent = tunnelAgent({ uri: p.url, requestTls: { ca }, connectTimeout: 300 });
    try {
      const started = Date.now();
      const out = await get(agent, httpsUpstream);
      expect(Date.now() - started).to.be.below(5000);
      expect(out.phase).to.equal('connect');
      expect((out.error as { code?: string }).code).to.equal('UND_ERR_CONNECT_TIMEOUT');
      expect(out.error?.message).to.match(/did not answer CONNECT 127\.0\.0\.1:\d+ within 300 ms/);
    } finally {
      await agent.destroy();
    }
  });

  it('a refused tunnel: proxy_refused (4xx), proxy_error (5xx), with the status', async () => {
    for (const [status, code] of [
      [403, 'proxy_refused'],
      [502, 'proxy_error'],
    ] as const) {
      const p = await proxy({ refuse: status });
      const agent = tunnelAgent({ uri: p.url, requestTls: { ca } });
      try {
        const out = await get(agent, httpsUpstream);
        expect([(out.error as { code?: string }).code, out.phase]).to.deep.equal([code, 'connect']);
        expect(out.error?.message).to.include(`answered ${status} to CONNECT`);
      } finally {
        await agent.destroy();
      }
    }
  });
});
