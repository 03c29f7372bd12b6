// SPDX-License-Identifier: Apache-2.0
// The forwarding thread's lifecycle as the receiver sees it: a thread that dies after it listened
// is reported once, with its first cause; one stopped by shutdown is no failure.
import { expect } from 'chai';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { ForwarderSink, LogLevel } from './forwarder.js';
import { forwardOnOwnThread } from './forwarding.js';
import type { Listen } from './forwarding.js';
import { proxyReceiverFactory } from './index.js';
import type { ForwarderWorkerData } from './messages.js';
import { spawnForwarder } from './spawn-forwarder.js';

function status(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/models', method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('proxy forwarding thread: failures after it listened', function () {
  let upstream: Server;
  let listen: Listen;
  let logs: { level: LogLevel; msg: string; fields: Record<string, unknown> }[];
  let failures: string[];
  const sink = (): ForwarderSink => ({
    record: () => {},
    count: () => {},
    log: (level, fields, msg) => logs.push({ level, fields, msg }),
  });

  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      res.end('{"object":"list","data":[]}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const cfg = {
      ...proxyReceiverFactory.createDefaultConfig(),
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      forward_thread: true,
    };
    listen = { id: 'proxy/t', cfg, env: {}, bindHost: '127.0.0.1', port: 0, endpoint: '127.0.0.1:0' };
  });
  after(() => upstream.close());
  beforeEach(() => {
    logs = [];
    failures = [];
  });

  it('reports a thread that exits once, and its port no longer answers', async function () {
    let thread: Worker | undefined;
    const spawn = (d: ForwarderWorkerData): Worker => (thread = spawnForwarder(d));
    const fwd = await forwardOnOwnThread(listen, sink(), (r) => failures.push(r), spawn);
    expect(await status(fwd.address.port)).to.equal(200);
    await thread!.terminate();
    await until(() => failures.length > 0);
    await new Promise((r) => setTimeout(r, 50)); // a second report would come now
    expect(failures).to.deep.equal(['proxy forwarding thread exited (code 1)']);
    const refused = await status(fwd.address.port).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(refused).to.equal('ECONNREFUSED');
  });

  it('reports an uncaught error in the thread with its cause, not the exit that follows', async function () {
    // a thread that says it listens, then throws: what a bug in the forwarder would do
    const crashing = (): Worker =>
      new Worker(
        `const { parentPort } = require('node:worker_threads');
         parentPort.postMessage({ type: 'listening', host: '127.0.0.1', port: 9 });
         setTimeout(() => { throw new Error('forwarder bug'); }, 20);`,
        { eval: true },
      );
    await forwardOnOwnThread(listen, sink(), (r) => failures.push(r), crashing);
    await until(() => failures.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(failures).to.deep.equal(['forwarder bug']);
    expect(logs.filter((l) => l.level === 'error').map((l) => [l.msg, l.fields.err])).to.deep.equal([
      ['Proxy forwarding thread failed.', 'forwarder bug'],
    ]);
  });

  it('does not report a thread stopped by shutdown', async function () {
    const fwd = await forwardOnOwnThread(listen, sink(), (r) => failures.push(r));
    expect(await status(fwd.address.port)).to.equal(200);
    await fwd.shutdown(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(failures).to.deep.equal([]);
  });
});
