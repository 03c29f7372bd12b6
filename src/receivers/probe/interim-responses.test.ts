// SPDX-License-Identifier: Apache-2.0
// Interim 1xx before the final answer, from a raw TCP server on loopback (so the bytes on the
// wire are exactly what a server may legally send), through the probe's own connection code.
import { expect } from 'chai';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Client } from 'undici';
import { freePort } from '../../testing/backends.js';
import { Connections } from './connection.js';
import { runAttempt } from './http-attempt.js';
import { interimContinueLength } from './interim-responses.js';

const BODY = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const FINAL = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;

/** A server that answers each request with `parts` written 10 ms apart (keeps the connection). */
async function rawServer(parts: string[]): Promise<{ server: Server; url: URL; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      // one request = headers + the content-length body the probe sends
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const len = Number(/content-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      buf = buf.slice(end + 4 + len);
      parts.forEach((p, i) => setTimeout(() => s.write(p), 10 * i));
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: new URL(`http://127.0.0.1:${port}/v1/chat/completions`), sockets };
}

async function close(s: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const x of s.sockets) x.destroy();
  await new Promise((r) => s.server.close(r));
}

function attempt(url: URL) {
  return {
    url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }] }),
    stream: false,
    deadlineMs: 5000,
    idleMs: 5000,
    maxBodyBytes: 1 << 20,
    maxChunks: 100,
  };
}

function connections(url: URL, keepAlive: boolean): Connections {
  return new Connections({
    origin: url,
    connectTimeoutMs: 2000,
    keepAlive,
    proxy: '',
    env: {},
    dnsServers: [],
  });
}

describe('probe: interim 1xx responses before the final answer', () => {
  it('finds a 100 block at the start of a buffer, and only there', () => {
    const c = 'HTTP/1.1 100 Continue\r\n\r\n';
    expect(interimContinueLength(Buffer.from(c + FINAL))).to.equal(c.length);
    expect(interimContinueLength(Buffer.from('HTTP/1.1 100\r\n\r\n'))).to.equal(16);
    expect(interimContinueLength(Buffer.from('HTTP/1.0 100 Continue\nx: y\n\n'))).to.equal(28);
    expect(interimContinueLength(Buffer.from('HTTP/1.1 1'))).to.equal(-1);
    expect(interimContinueLength(Buffer.from('HTTP/1.1 100 Continue\r\n'))).to.equal(-1);
    expect(interimContinueLength(Buffer.from(FINAL))).to.equal(0);
    expect(interimContinueLength(Buffer.from('HTTP/1.1 103 Early Hints\r\n\r\n'))).to.equal(0);
    expect(interimContinueLength(Buffer.from('{"id":1}'))).to.equal(0);
  });

  it('plain undici treats an unsolicited 100 Continue as a broken connection (why the filter exists)', async () => {
    const s = await rawServer(['HTTP/1.1 100 Continue\r\n\r\n', FINAL]);
    const client = new Client(s.url.origin);
    try {
      const err = await client.request({ path: s.url.pathname, method: 'POST', body: '{}' }).then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
      expect(err).to.equal('UND_ERR_SOCKET');
    } finally {
      await client.destroy();
      await close(s);
    }
  });

  for (const [name, parts] of [
    ['100 Continue, then the answer', ['HTTP/1.1 100 Continue\r\n\r\n', FINAL]],
    [
      'two 100s, one split across TCP writes',
      ['HTTP/1.1 1', '00 Continue\r\n', '\r\nHTTP/1.1 100 Continue\r\n\r\n', FINAL],
    ],
    ['100 and the answer in one write', ['HTTP/1.1 100 Continue\r\n\r\n' + FINAL]],
    [
      '103 Early Hints, then the answer',
      ['HTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n', FINAL],
    ],
  ] as const) {
    it(`reads the final answer: ${name}`, async () => {
      const s = await rawServer([...parts]);
      const conns = connections(s.url, false);
      try {
        const lease = conns.lease('chat');
        const a = await runAttempt(attempt(s.url), lease);
        await lease.release();
        expect(a.transportError, JSON.stringify(a.transportError)).to.equal(undefined);
        expect(a.response.status).to.equal(200);
        expect(a.response.parse).to.equal('json');
      } finally {
        await conns.close();
        await close(s);
      }
    });
  }

  it('with keep_alive, every response on the reused connection may start with a 100', async () => {
    const s = await rawServer(['HTTP/1.1 100 Continue\r\n\r\n', FINAL]);
    const conns = connections(s.url, true);
    try {
      for (let i = 0; i < 3; i++) {
        const a = await runAttempt(attempt(s.url), conns.lease('chat'));
        expect(a.transportError, `attempt ${i}: ${JSON.stringify(a.transportError)}`).to.equal(undefined);
        expect(a.response.status).to.equal(200);
      }
      expect(s.sockets.size, 'one reused connection').to.equal(1);
    } finally {
      await conns.close();
      await close(s);
    }
  });
});
