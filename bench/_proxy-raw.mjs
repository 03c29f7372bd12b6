// SPDX-License-Identifier: Apache-2.0
/* global process, Buffer */
// A reference "proxy" for bench/proxy.mjs (`PROXY_BENCH_REFERENCE=node-raw`): HTTP/1.1 framed by
// hand on both sides of `node:net` — the client's request head parsed here (no `node:http`), the
// answer read by the agent's own ResponseParser (dist/, so build first) and its bytes passed back
// as they came, kept-alive upstream connections. Forwarding only: no judging, no hop-by-hop
// rewrite of the answer, no chunked request bodies, no limits, no timeouts — nothing to deploy.
// It tells what the agent's client side (`node:http`'s server) costs beside a hand-framed one.
// Usage: node _proxy-raw.mjs LISTEN_PORT UPSTREAM_PORT
import { createConnection, createServer } from 'node:net';
import { forwardRequestHeaders } from '../dist/receivers/proxy/hop-by-hop.js';
import { ResponseParser } from '../dist/receivers/proxy/http1/response-parser.js';

const [port, upstreamPort] = process.argv.slice(2).map(Number);
const HEAD_END = Buffer.from('\r\n\r\n');
const idle = [];

function upstream() {
  const kept = idle.pop();
  if (kept && !kept.destroyed) return kept;
  const s = createConnection({ host: '127.0.0.1', port: upstreamPort, noDelay: true });
  s.on('error', () => s.destroy());
  s.on('close', () => idle.includes(s) && idle.splice(idle.indexOf(s), 1));
  return s;
}

createServer({ noDelay: true }, (client) => {
  let buf;
  let busy = false;
  client.on('error', () => client.destroy());
  client.on('data', (d) => {
    buf = buf ? Buffer.concat([buf, d]) : d;
    if (!busy) next();
  });
  // one exchange at a time per client connection, as HTTP/1.1 keep-alive does it
  function next() {
    const end = buf ? buf.indexOf(HEAD_END) : -1;
    if (end < 0) return;
    const [first, ...fields] = buf.toString('latin1', 0, end).split('\r\n');
    const length = Number(/^content-length:\s*(\d+)/im.exec(fields.join('\n'))?.[1] ?? 0);
    if (buf.length < end + 4 + length) return;
    const body = buf.subarray(end + 4, end + 4 + length);
    buf = buf.length > end + 4 + length ? buf.subarray(end + 4 + length) : undefined;
    busy = true;
    const [method, target] = first.split(' ');
    // the agent's own hop-by-hop rule, on the fields as a flat [name, value, …] list
    const raw = fields.flatMap((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1).trim()]);
    const c = raw.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'connection');
    const kept = forwardRequestHeaders(raw, c < 0 ? undefined : raw[c + 1]);
    let head = `${method} ${target} HTTP/1.1\r\nhost: 127.0.0.1:${upstreamPort}\r\n`;
    for (let i = 0; i < kept.length; i += 2) head += `${kept[i]}: ${kept[i + 1]}\r\n`;
    head += `content-length: ${length}\r\n\r\n`;
    const up = upstream();
    const parser = new ResponseParser(
      { head() {}, data() {}, end: () => {} },
      method === 'HEAD',
    );
    const onData = (d) => {
      parser.feed(d);
      client.write(d); // the answer's own framing passes through
      if (parser.done) {
        up.off('data', onData);
        idle.push(up);
        busy = false;
        next();
      }
    };
    up.on('data', onData);
    up.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
