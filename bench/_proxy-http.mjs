// SPDX-License-Identifier: Apache-2.0
/* global process, Buffer, URL */
// A reference "proxy" for bench/proxy.mjs (`PROXY_BENCH_REFERENCE=node-http`): `node:http`'s
// server in front of the agent's own upstream client (`Http1Pool`, dist/, so build first), with
// the least handler that forwards: the agent's hop-by-hop rules, the answer written as it comes,
// back-pressure, a 502 on failure. No judging, no counting, no limits, no deadlines — nothing to
// deploy. Beside the agent with `PROXY_BENCH_FORWARD_ONLY=1` and `node-raw` it splits what is
// left between `node:http`'s server and the agent's own forwarding code.
// Usage: node _proxy-http.mjs LISTEN_PORT UPSTREAM_PORT
import { createServer } from 'node:http';
import { forwardRequestHeaders, forwardResponseHeaders } from '../dist/receivers/proxy/hop-by-hop.js';
import { Http1Pool } from '../dist/receivers/proxy/http1/http1-pool.js';

const [port, upstreamPort] = process.argv.slice(2).map(Number);
const origin = `http://127.0.0.1:${upstreamPort}`;
const pool = new Http1Pool(new URL(origin), { connectTimeoutMs: 5000 });

createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    pool.dispatch(
      {
        origin,
        path: req.url,
        method: req.method,
        headers: forwardRequestHeaders(req.rawHeaders, req.headers.connection),
        body: body.length > 0 ? body : undefined,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      },
      {
        onResponseStart: (_c, status, headers) => res.writeHead(status, forwardResponseHeaders(headers)),
        onResponseData: (c, chunk) => {
          if (!res.write(chunk)) {
            c.pause();
            res.once('drain', () => c.resume());
          }
        },
        onResponseEnd: () => res.end(),
        onResponseError: () => (res.headersSent ? res.destroy() : res.writeHead(502).end()),
      },
    );
  });
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
