// SPDX-License-Identifier: Apache-2.0
// The proxy's HTTP/1.1 pool against real loopback servers that answer byte by byte as scripted:
// what it writes, when it reuses a connection, and how each way an answer can end reaches the
// handler (the same codes undici gives, which the forwarder maps to 502 / 504 / body errors).
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import type { Dispatcher } from 'undici';
import { Http1Pool } from './http1-pool.js';
import type { ConnectionFacts } from './http1-pool.js';

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
  /** What the exchange knew of its connection when it ended. */
  facts?: ConnectionFacts;
}

const factsOf = (c: Dispatcher.DispatchController): ConnectionFacts => {
  const { opened, failedIn } = c as ConnectionFacts;
  return { opened: opened && { ...opened }, failedIn };
};

/**
 * A server whose `answer` sees each request's raw bytes and the socket to answer on. `early`, if
 * given, sees each request's head first; when it returns true the server reads no more of that
 * connection (an answer before the body).
 */
async function scripted(
  answer: (req: string, socket: Socket) => void,
  early?: (head: string, socket: Socket) => boolean,
): Promise<{
  server: Server;
  origin: URL;
  connections: () => number;
}> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (early?.(buf.slice(0, end), socket)) {
        socket.off('data', onData);
        socket.pause(); // kept open, never read again
        return;
      }
      const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      const req = buf.slice(0, end + 4 + len);
      buf = buf.slice(end + 4 + len);
      answer(req, socket);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { server, origin: new URL(`http://127.0.0.1:${port}`), connections: () => connections };
}

function call(pool: Http1Pool, o: Partial<Dispatcher.DispatchOptions> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: '' };
    pool.dispatch(
      {
        path: '/v1/chat/completions',
        method: 'POST',
        headers: ['Authorization', 'Bearer sk-test', 'X-Order', 'kept'],
        body: Buffer.from('{"a":1}'),
        headersTimeout: 2000,
        bodyTimeout: 2000,
        ...o,
      } as Dispatcher.DispatchOptions,
      {
        onResponseStart: (_c, status, headers) => Object.assign(out, { status, headers }),
        onResponseData: (_c, chunk) => (out.body += chunk.toString()),
        onResponseEnd: (c) => resolve({ ...out, facts: factsOf(c) }),
        onResponseError: (c, err) =>
          resolve({ ...out, error: (err as { code?: string }).code, facts: factsOf(c) }),
      },
    );
  });
}

const ok = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The outcome, or the error `pending` if none came within `ms`: a hang fails an assertion, not mocha. */
async function within(ms: number, p: Promise<Outcome>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((r) => (timer = setTimeout(() => r({ body: '', error: 'pending' }), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('proxy http1 pool (real loopback servers)', () => {
  const servers: Server[] = [];
  const pools: Http1Pool[] = [];
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.destroy();
    for (const s of servers.splice(0)) s.close();
  });
  async function setup(
    answer: (req: string, socket: Socket) => void,
    keepAliveMs?: number,
    early?: (head: string, socket: Socket) => boolean,
  ) {
    const s = await scripted(answer, early);
    servers.push(s.server);
    const pool = new Http1Pool(s.origin, { connectTimeoutMs: 2000, keepAliveMs });
    pools.push(pool);
    return { ...s, pool };
  }

  it('writes the request as given (order, casing, Authorization) with host and length', async () => {
    let seen = '';
    const { pool, origin } = await setup((req, s) => {
      seen = req;
      s.write(ok('{}'));
    });
    const out = await call(pool);
    expect(out.status).to.equal(200);
    expect(seen).to.equal(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${origin.host}\r\nAuthorization: Bearer sk-test\r\n` +
        'X-Order: kept\r\ncontent-length: 7\r\n\r\n{"a":1}',
    );
    await call(pool, { method: 'GET', body: undefined, path: '/v1/models' });
    expect(seen).to.equal(
      `GET /v1/models HTTP/1.1\r\nhost: ${origin.host}\r\nAuthorization: Bearer sk-test\r\nX-Order: kept\r\n\r\n`,
    );
  });

  it('reuses a kept-alive connection, one exchange at a time', async () => {
    const { pool, connections } = await setup((_req, s) => s.write(ok('{"n":1}')));
    for (let i = 0; i < 5; i++) expect((await call(pool)).body).to.equal('{"n":1}');
    const all = await Promise.all([call(pool), call(pool), call(pool)]);
    expect(all.map((o) => o.body)).to.deep.equal(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect(connections()).to.equal(3);
  });

  it('times the connection an exchange opened (DNS for a name, then connect), not a kept-alive one', async () => {
    const s = await scripted((_req, socket) => socket.write(ok('{}')));
    servers.push(s.server);
    let connected = 0;
    const pool = new Http1Pool(new URL(`http://localhost:${s.origin.port}`), {
      connectTimeoutMs: 2000,
      onConnected: () => connected++,
    });
    pools.push(pool);
    const first = await call(pool);
    const second = await call(pool);
    expect(first.facts?.opened).to.have.all.keys('dnsMs', 'connectMs');
    expect(first.facts?.failedIn).to.equal(undefined);
    expect(second.facts).to.deep.equal({ opened: undefined, failedIn: undefined });
    expect(connected).to.equal(1);
    // an address is not looked up
    const { pool: byAddress } = await setup((_req, socket) => socket.write(ok('{}')));
    expect((await call(byAddress)).facts?.opened).to.have.all.keys('connectMs');
  });

  it('does not reuse after Connection: close, a close-delimited body, or a short Keep-Alive hint', async () => {
    for (const answer of [
      ok('{}', 'connection: close\r\n'),
      ok('{}', 'keep-alive: timeout=1\r\n'),
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the close',
    ]) {
      const { pool, connections } = await setup((_req, s) => {
        s.write(answer);
        if (!answer.includes('content-length')) s.end();
      });
      const a = await call(pool);
      const b = await call(pool);
      expect(a.error, answer).to.equal(undefined);
      expect(b.body, answer).to.equal(a.body);
      expect(connections(), answer).to.equal(2);
    }
  });

  it('does not reuse a connection answered before the whole request left (an early 413)', async () => {
    // The server reads the head, answers at once and reads no more; the 32 MiB body is far more than
    // the kernel's buffers on both ends take unread, so the client still holds some when the answer
    // ends. Reused, the next request would follow that body: read as a request, or (here) never read.
    const sockets: Socket[] = [];
    const { pool, connections } = await setup(
      (_req, socket) => socket.write(ok('{}')),
      undefined,
      (head, socket) => {
        if (Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0) <= 1 << 20) return false;
        sockets.push(socket); // the client's socket stays backed up behind the unread body
        socket.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 9\r\n\r\ntoo large');
        return true;
      },
    );
    try {
      const first = await call(pool, { body: Buffer.alloc(32 << 20, 'x') });
      expect(first.error).to.equal(undefined);
      expect(first).to.include({ status: 413, body: 'too large' });
      const next = await call(pool, { method: 'GET', body: undefined, headersTimeout: 500 });
      expect(next.error).to.equal(undefined);
      expect(next).to.include({ status: 200, body: '{}' });
      expect(connections()).to.equal(2);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('a connection the server closed while idle is not used again', async () => {
    const { pool, connections } = await setup((_req, s) => {
      s.write(ok('{}'));
      setTimeout(() => s.end(), 20); // a server whose idle timeout is shorter than ours
    });
    await call(pool);
    await sleep(100);
    const out = await call(pool);
    expect(out.error).to.equal(undefined);
    expect(connections()).to.equal(2);
  });

  it('an idle connection is closed after keepAliveMs', async () => {
    let closed = 0;
    const { pool } = await setup((_req, s) => {
      s.on('close', () => closed++);
      s.write(ok('{}'));
    }, 100);
    await call(pool);
    await sleep(400);
    expect(closed).to.equal(1);
  });

  it('a connection older than maxAgeMs is not reused: the next exchange opens (and times) a new one', async () => {
    const s = await scripted((_req, socket) => socket.write(ok('{}')));
    servers.push(s.server);
    const pool = new Http1Pool(s.origin, { connectTimeoutMs: 2000, maxAgeMs: 150 });
    pools.push(pool);
    await call(pool);
    await call(pool);
    expect(s.connections()).to.equal(1);
    await sleep(200);
    const renewed = await call(pool);
    expect(s.connections()).to.equal(2);
    expect(renewed.facts?.opened?.connectMs).to.be.a('number');
  });

  it('a cut mid-body is UND_ERR_SOCKET after the headers; an unreadable answer is HPE_INVALID_RESPONSE', async () => {
    const cut = await setup((_req, s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
      setTimeout(() => s.destroy(), 20);
    });
    const out = await call(cut.pool);
    expect(out).to.include({ status: 200, body: 'partial', error: 'UND_ERR_SOCKET' });
    const bad = await setup((_req, s) =>
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n'),
    );
    expect((await call(bad.pool)).error).to.equal('HPE_INVALID_RESPONSE');
  });

  it('headers and body deadlines: UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT', async () => {
    const silent = await setup(() => {});
    expect((await call(silent.pool, { headersTimeout: 150 })).error).to.equal('UND_ERR_HEADERS_TIMEOUT');
    const stalls = await setup((_req, s) =>
      s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n'),
    );
    const out = await call(stalls.pool, { bodyTimeout: 150 });
    expect(out).to.include({ status: 200, body: 'ab', error: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('an unreachable upstream is the socket error (ECONNREFUSED); abort and destroy end an exchange once', async () => {
    const s = await scripted(() => {});
    s.server.close();
    const pool = new Http1Pool(s.origin, { connectTimeoutMs: 2000 });
    pools.push(pool);
    const refused = await call(pool);
    expect(refused.error).to.equal('ECONNREFUSED');
    expect(refused.facts?.failedIn).to.equal('connect');

    const { pool: p2 } = await setup(() => {});
    const errors: string[] = [];
    const done = new Promise<void>((resolve) =>
      p2.dispatch(
        { path: '/', method: 'GET', headers: [], headersTimeout: 5000, bodyTimeout: 5000 },
        {
          onRequestStart: (c) => setTimeout(() => c.abort(new Error('client gone')), 30),
          onResponseError: (_c, err) => {
            errors.push(err.message);
            setTimeout(resolve, 50);
          },
        },
      ),
    );
    await done;
    await p2.destroy();
    expect(errors).to.deep.equal(['client gone']);
    expect(() => p2.dispatch({ path: '/', method: 'GET', headers: [] }, {})).to.throw(/destroyed/);
  });

  /** A call to `origin` with a 200 ms connect deadline fails with UND_ERR_CONNECT_TIMEOUT at about that time. */
  async function expectConnectTimeout(origin: string): Promise<void> {
    const pool = new Http1Pool(new URL(origin), { connectTimeoutMs: 200 });
    pools.push(pool);
    const t0 = Date.now();
    const out = await within(1500, call(pool));
    expect(out.error).to.equal('UND_ERR_CONNECT_TIMEOUT');
    expect(out.facts?.failedIn).to.equal(origin.startsWith('https:') ? 'tls' : 'connect');
    expect(Date.now() - t0).to.be.within(150, 1000);
  }

  it('a connect that does not complete (TCP or TLS handshake) is UND_ERR_CONNECT_TIMEOUT after connectTimeoutMs', async () => {
    // TCP: a listener whose accept queue (backlog 1: two connections on Linux) is full and whose
    // thread, blocked, never accepts: the kernel drops the next SYN (tcp_abort_on_overflow=0), so
    // that connect neither completes nor fails. A worker holds it; Atomics.wait stops its loop.
    const hold = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const server = require('node:net').createServer((s) => s.destroy());
       server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         parentPort.postMessage(server.address().port);
         Atomics.wait(new Int32Array(workerData), 0, 0);
         server.close();
       });`,
      { eval: true, workerData: hold.buffer, execArgv: [] },
    );
    const fillers: Socket[] = [];
    try {
      const [port] = (await once(worker, 'message')) as [number];
      for (let i = 0; i < 2; i++) {
        const s = connect(port, '127.0.0.1').on('error', () => {});
        fillers.push(s);
        await once(s, 'connect');
      }
      await expectConnectTimeout(`http://127.0.0.1:${port}`);
    } finally {
      Atomics.store(hold, 0, 1);
      Atomics.notify(hold, 0);
      for (const s of fillers) s.destroy();
      await worker.terminate();
    }

    // TLS: the TCP connect completes, the server never finishes its handshake: it announces a 16 KiB
    // handshake record and then drips it a byte every 50 ms. The handshake is part of the connect
    // (as in undici), and bytes that trickle in must not hold it open past its deadline.
    const drip = createServer((s) => {
      s.on('error', () => {});
      s.write(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00]));
      const t = setInterval(() => s.write(Buffer.from([0])), 50);
      s.on('close', () => clearInterval(t));
    });
    servers.push(drip);
    await new Promise<void>((r) => drip.listen(0, '127.0.0.1', r));
    const { port } = drip.address() as { port: number };
    await expectConnectTimeout(`https://127.0.0.1:${port}`);
  });
});
