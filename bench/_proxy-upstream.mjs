// SPDX-License-Identifier: Apache-2.0
/* global process, setTimeout, setInterval, clearInterval, Buffer */
// The upstream of bench/proxy.mjs, in its own process: answers at once. `/v1/chat/completions`
// with a JSON body (or an SSE stream when the request asks for one); `?slow=1` streams a chunk
// every 500 ms for 20 s (the RSS test); `?think=N` answers after N ms. Prints its port on stdout.
import { createServer } from 'node:http';
import { FIRST, JSON_BODY, REST, chunk } from './_proxy-bodies.mjs';

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    // `?think=N`: answer after N ms, as a real model would (the phases with calls in flight)
    const think = /[?&]think=(\d+)/.exec(req.url);
    if (think) setTimeout(answer, Number(think[1]));
    else answer();
  });
  const answer = () => {
    const stream = Buffer.concat(parts).includes('"stream":true');
    if (!stream) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(JSON_BODY),
      });
      return res.end(JSON_BODY);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(FIRST);
    if (!req.url.includes('slow=1')) return res.end(REST);
    let n = 0;
    const t = setInterval(() => {
      if (++n >= 40 || res.destroyed) {
        clearInterval(t);
        return res.end(REST);
      }
      res.write(chunk({ content: '.' }));
    }, 500);
  };
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), 30 * 60_000).unref();
