// SPDX-License-Identifier: Apache-2.0
/* global process */
// A reference "proxy" for bench/proxy.mjs (`PROXY_BENCH_REFERENCE=node-pipe`): a TCP pass-through
// in Node, one upstream connection per client connection and the bytes piped both ways, no HTTP
// parsing at all. Not a proxy anyone should deploy (no hop-by-hop fields, no pool, no judging);
// it is what Node itself costs to move a call's bytes, the floor under any forwarder built on
// `node:net`. Usage: node _proxy-pipe.mjs LISTEN_PORT UPSTREAM_PORT
import { createConnection, createServer } from 'node:net';

const [port, upstreamPort] = process.argv.slice(2).map(Number);
createServer({ noDelay: true }, (client) => {
  const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort, noDelay: true });
  client.pipe(upstream);
  upstream.pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const s of [client, upstream]) {
    s.on('error', end);
    s.on('close', end);
  }
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
