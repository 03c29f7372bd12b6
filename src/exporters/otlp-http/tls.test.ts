// SPDX-License-Identifier: Apache-2.0
// TLS to the OTLP endpoint: a custom CA bundle and a client certificate (mTLS), against a real
// HTTPS server on loopback whose certificates `openssl` makes for the test.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { nopHost } from '../../testing/nop-host.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { decodeOtlp } from '../../testing/otlp-receiver.js';
import { probeRecord } from '../../testing/signal-records.js';
import { suitePki } from '../../testing/test-pki.js';
import type { TestPki } from '../../testing/test-pki.js';

describe('otlp_http over TLS (custom CA, client certificate)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: Server;
  let url: string;
  const received: string[] = [];

  before(async function () {
    let pki: TestPki;
    ({ dir, pki } = suitePki(this, 'dw-tls-', 2));
    pki.issue('server', { cn: '127.0.0.1', san: 'IP:127.0.0.1', dates: ['-days', '2'] });
    pki.issue('client', { cn: 'driftwatch-agent', eku: 'clientAuth', dates: ['-days', '2'] });
    server = createServer(
      {
        key: readFileSync(join(dir, 'server.key')),
        cert: readFileSync(join(dir, 'server.pem')),
        ca: readFileSync(join(dir, 'ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.url !== '/v1/traces') return void res.writeHead(200).end();
          const body = decodeOtlp(
            'traces',
            gunzipSync(Buffer.concat(chunks)),
            String(req.headers['content-type']),
          ) as {
            resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
          };
          received.push(body.resourceSpans[0].scopeSpans[0].spans[0].name);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    if (server) await new Promise<void>((r) => server.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers with the custom CA and the client certificate', async () => {
    const x = makeExporter(
      fastConfig(url, {
        tls: {
          ca_file: join(dir, 'ca.pem'),
          cert_file: join(dir, 'client.pem'),
          key_file: join(dir, 'client.key'),
        },
      }),
    );
    await x.exporter.start(nopHost(x.metrics));
    try {
      await x.consume([probeRecord()]);
      expect(received).to.deep.equal(['chat gpt-4o-mini']);
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('refuses a server its CA bundle does not trust, and a server refuses it without a client certificate', async () => {
    for (const tls of [
      { ca_file: '', cert_file: join(dir, 'client.pem'), key_file: join(dir, 'client.key') },
      { ca_file: join(dir, 'ca.pem'), cert_file: '', key_file: '' },
    ]) {
      const d = fastConfig(url, { tls });
      const x = makeExporter({
        ...d,
        retry_on_failure: { ...d.retry_on_failure, max_elapsed_time: 200 },
      });
      await x.exporter.start(nopHost(x.metrics));
      try {
        let err: unknown;
        await x.consume([probeRecord()]).catch((e: unknown) => (err = e));
        expect(String(err)).to.contain('export failed');
      } finally {
        await x.exporter.shutdown({ deadline: Date.now() + 5000 });
      }
    }
    expect(received).to.have.length(1);
  });
});
