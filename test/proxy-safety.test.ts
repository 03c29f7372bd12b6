// SPDX-License-Identifier: Apache-2.0
// The proxy receiver's safe defaults over real loopback: upstream certificates verified (a
// throwaway openssl CA; trusted only through tls.ca_file), a wrong host refused, an HTTP(S)
// proxy used when configured or named by HTTPS_PROXY, and Authorization never in the logs.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { consumerFromFn } from '../src/component/consumer.js';
import type { CallRecord } from '../src/model/call-record.js';
import { proxyReceiverFactory } from '../src/receivers/proxy/index.js';
import { ProxyReceiver } from '../src/receivers/proxy/proxy-receiver.js';
import { startConnectProxy } from '../src/testing/connect-proxy.js';
import { captureLogger } from '../src/testing/log-capture.js';
import { nopHost, testSettings } from '../src/testing/nop-host.js';
import { suitePki } from '../src/testing/test-pki.js';
import type { TestPki } from '../src/testing/test-pki.js';

const KEY = 'sk-safety-canary-0123456789abcdef';
const BODY = JSON.stringify({
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'pong.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const ASK = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }] });

function post(url: string): Promise<{ status: number; body: string; retry?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, retry: res.headers['x-should-retry'] as string }),
        );
      },
    );
    req.on('error', reject);
    req.end(ASK);
  });
}

describe('proxy receiver: safe by default (TLS, HTTP proxy, logs)', function () {
  this.timeout(60_000);
  let dir: string;
  const servers: Array<{ close(): void }> = [];
  const log = captureLogger();
  const records: CallRecord[] = [];

  async function proxyTo(
    cfg: Record<string, unknown>,
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ url: string; stop: () => Promise<void> }> {
    const config = { ...proxyReceiverFactory.createDefaultConfig(), endpoint: '127.0.0.1:0', ...cfg };
    const p = new ProxyReceiver(
      testSettings('receiver', 'proxy/safety', { logger: log.logger }),
      config,
      consumerFromFn(async (b) => {
        records.push(...b);
      }),
      env,
    );
    await p.start(nopHost());
    return {
      url: `http://127.0.0.1:${p.address!.port}/v1/chat/completions`,
      stop: () => p.shutdown({ deadline: Date.now() + 2000 }),
    };
  }

  async function serveTls(name: string): Promise<string> {
    const s: Server = createServer(
      { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) },
      (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
      },
    );
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  before(function () {
    let pki: TestPki;
    ({ dir, pki } = suitePki(this, 'dw-proxy-tls-'));
    pki.issue('good', { san: 'IP:127.0.0.1,DNS:localhost' });
    pki.issue('otherhost', { san: 'DNS:api.other.example' });
  });
  after(() => {
    for (const s of servers) s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the upstream certificate: unknown CA refused (502 naming it), trusted through tls.ca_file, its expiry recorded', async () => {
    records.length = 0;
    const upstream = await serveTls('good');
    const strict = await proxyTo({ upstream });
    try {
      const res = await post(strict.url);
      expect(res.status).to.equal(502);
      expect(res.body).to.match(/upstream_unreachable/);
      expect(res.body).to.match(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
      // a certificate that fails verification fails again: the SDKs are told not to retry
      expect(res.retry).to.equal('false');
    } finally {
      await strict.stop();
    }
    // refused in the handshake: the record names the TLS phase, after a timed TCP connect
    const refused = records.find((r) => r.transportError)!;
    expect(refused.transportError?.phase).to.equal('tls');
    expect(refused.timings.connectMs).to.be.a('number');
    records.length = 0;
    const trusting = await proxyTo({
      upstream,
      tls: { ca_file: join(dir, 'ca.pem'), server_name: '', insecure_skip_verify: false },
    });
    try {
      const res = await post(trusting.url);
      expect(res.status).to.equal(200);
      expect(res.body).to.equal(BODY);
      expect((await post(trusting.url)).status).to.equal(200);
    } finally {
      await trusting.stop();
    }
    // the first call paid for the handshake, the second found the connection open
    expect(records.map((r) => r.timings.tlsMs !== undefined)).to.deep.equal([true, false]);
    expect(records[0].timings.tlsMs).to.be.greaterThan(0);
    // and read the certificate as a probe does (the leaf is issued for 20 days)
    expect(records[0].tls?.certDaysLeft).to.be.within(19, 20);
    expect(records[0].tls?.protocol).to.match(/^TLSv1\.[23]$/);
    expect(records[1].tls).to.equal(undefined);
  });

  it('refuses a certificate for another host even from the trusted CA', async () => {
    const upstream = await serveTls('otherhost');
    const p = await proxyTo({
      upstream,
      tls: { ca_file: join(dir, 'ca.pem'), server_name: '', insecure_skip_verify: false },
    });
    try {
      const res = await post(p.url);
      expect(res.status).to.equal(502);
      expect(res.body).to.match(/ALTNAME|altnames|ERR_TLS/i);
    } finally {
      await p.stop();
    }
  });

  it('goes through an HTTP(S) proxy (`proxy` option, HTTPS_PROXY): the upstream certificate still read, a failure named', async () => {
    const upstream = await serveTls('good');
    const fwd = await startConnectProxy();
    servers.push({ close: () => void fwd.close() });
    const tls = { ca_file: join(dir, 'ca.pem'), server_name: '', insecure_skip_verify: false };
    records.length = 0;
    const byOption = await proxyTo({ upstream, tls, proxy: fwd.url });
    try {
      expect((await post(byOption.url)).status).to.equal(200);
      expect((await post(byOption.url)).status).to.equal(200);
    } finally {
      await byOption.stop();
    }
    // one tunnel for two calls: the call that opened it tells of the certificate, the other nothing
    expect(records.map((r) => r.tls?.certDaysLeft !== undefined)).to.deep.equal([true, false]);
    expect(records[0].tls?.certDaysLeft).to.be.within(19, 20.01);
    expect(records[0].tls?.protocol).to.match(/^TLSv1\.[23]$/);
    expect(records[0].extra?.proxied).to.equal(true);
    // the same from the forwarding thread, the proxy named by the environment
    records.length = 0;
    const byEnv = await proxyTo({ upstream, tls, forward_thread: true }, { HTTPS_PROXY: fwd.url });
    try {
      expect((await post(byEnv.url)).status).to.equal(200);
    } finally {
      await byEnv.stop();
    }
    expect(fwd.tunnels).to.deep.equal([new URL(upstream).host, new URL(upstream).host]);
    expect(records[0].tls?.certDaysLeft).to.be.within(19, 20.01);

    // without the CA the handshake through the tunnel fails: the record names the tls phase
    records.length = 0;
    const strict = await proxyTo({ upstream, proxy: fwd.url });
    try {
      expect((await post(strict.url)).status).to.equal(502);
    } finally {
      await strict.stop();
    }
    expect(records[0].transportError?.phase).to.equal('tls');

    // a proxy that refuses the tunnel: the client reads who refused, the record says so
    const refusing = await startConnectProxy({ refuse: 407 });
    servers.push({ close: () => void refusing.close() });
    records.length = 0;
    const refused = await proxyTo({ upstream, tls, proxy: refusing.url });
    try {
      const res = await post(refused.url);
      expect(res.status).to.equal(502);
      expect(res.body).to.match(/proxy_refused: the HTTP\(S\) proxy answered 407 to CONNECT/);
      expect(res.retry).to.equal('false');
    } finally {
      await refused.stop();
    }
    expect(records[0].transportError).to.include({ code: 'proxy_refused', phase: 'connect' });
  });

  it('never logs Authorization (every log line of this suite searched)', () => {
    expect(log.lines.length, 'the suite logged something').to.be.greaterThan(0);
    const all = JSON.stringify(log.lines);
    expect(all).to.not.include(KEY);
    expect(all).to.not.include('Bearer');
  });
});
