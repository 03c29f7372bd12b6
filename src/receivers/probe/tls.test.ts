// SPDX-License-Identifier: Apache-2.0
// TLS over real loopback: a throwaway CA and certificates made with the openssl CLI for each run.
// A good certificate (custom CA bundle) yields handshake timing and days to expiry; an expired
// one and a wrong-host one fail in the TLS phase with their own codes, and still report expiry.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startConnectProxy } from '../../testing/connect-proxy.js';
import { probeOnce } from '../../testing/probe-once.js';
import { suitePki } from '../../testing/test-pki.js';
import type { TestPki } from '../../testing/test-pki.js';

const BODY = JSON.stringify({
  id: 'x',
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'pong.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

describe('probe receiver over TLS (openssl-made CA)', function () {
  this.timeout(60_000);
  let dir: string;
  const servers: Server[] = [];
  let hits = 0;

  before(function () {
    let pki: TestPki;
    ({ dir, pki } = suitePki(this, 'dw-tls-'));
    pki.issue('good', { san: 'IP:127.0.0.1,DNS:localhost' });
    pki.issue('expired', {
      san: 'IP:127.0.0.1',
      dates: ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z'],
    });
    pki.issue('otherhost', { san: 'DNS:api.other.example' });
  });

  after(() => {
    for (const s of servers) s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function serve(name: string): Promise<string> {
    const s = createServer(
      { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) },
      (req, res) => {
        hits++;
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
      },
    );
    s.on('tlsClientError', () => {});
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return `https://127.0.0.1:${(s.address() as AddressInfo).port}/v1`;
  }

  const probe = (base_url: string, ca = true) => ({
    base_url,
    api_key: 'sk-tls-test-key-000000',
    tls: { ca_file: ca ? join(dir, 'ca.pem') : '', server_name: '' },
    probes: [{ name: 't', kind: 'chat', interval: '1h' }],
  });

  it('a valid certificate from the configured CA: TLS timing, protocol and days to expiry', async () => {
    const { records } = await probeOnce(probe(await serve('good')));
    const r = records[0];
    expect(r.transportError).to.equal(undefined);
    expect(r.response.status).to.equal(200);
    expect(r.timings.tlsMs).to.be.a('number').and.greaterThan(0);
    expect(r.tls?.certDaysLeft).to.be.within(19, 20.01);
    expect(r.tls?.protocol).to.match(/^TLSv1\.[23]$/);
  });

  it('an expired certificate: CERT_HAS_EXPIRED in the tls phase, negative days left, nothing sent', async () => {
    const before = hits;
    const { records } = await probeOnce(probe(await serve('expired')));
    expect(records[0].transportError).to.include({ code: 'CERT_HAS_EXPIRED', phase: 'tls' });
    expect(records[0].tls?.certDaysLeft).to.be.below(0);
    expect(hits).to.equal(before);
  });

  it('a certificate for another host: ERR_TLS_CERT_ALTNAME_INVALID, nothing sent', async () => {
    const before = hits;
    const { records } = await probeOnce(probe(await serve('otherhost')));
    expect(records[0].transportError).to.include({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', phase: 'tls' });
    expect(hits).to.equal(before);
  });

  it('verification stays on: without the CA bundle the handshake is refused', async () => {
    const { records } = await probeOnce(probe(await serve('good'), false));
    expect(records[0].transportError?.phase).to.equal('tls');
    expect(records[0].transportError?.code).to.match(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
    );
  });

  it('through an HTTP proxy (CONNECT): the upstream certificate and protocol, a failure in the tls phase', async () => {
    const proxy = await startConnectProxy();
    try {
      const base = await serve('good');
      const { records } = await probeOnce({ ...probe(base), proxy: proxy.url });
      const r = records[0];
      expect(proxy.tunnels).to.deep.equal([new URL(base).host]);
      expect(r.transportError).to.equal(undefined);
      expect(r.tls?.certDaysLeft).to.be.within(19, 20.01);
      expect(r.tls?.protocol).to.match(/^TLSv1\.[23]$/);
      expect(r.timings.tlsMs).to.equal(undefined);

      const before = hits;
      const expired = await probeOnce({ ...probe(await serve('expired')), proxy: proxy.url });
      expect(expired.records[0].transportError).to.include({ code: 'CERT_HAS_EXPIRED', phase: 'tls' });
      expect(hits).to.equal(before);
    } finally {
      await proxy.close();
    }
  });
});
