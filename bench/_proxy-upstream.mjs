// SPDX-License-Identifier: Apache-2.0
/* global process, setTimeout, setInterval, clearInterval, Buffer */
// The upstream of bench/proxy.mjs, in its own process: answers at once. `/v1/chat/completions`
// with a JSON body (or an SSE stream when the request asks for one); `?slow=1` streams a chunk
// every 500 ms for 20 s (the RSS test); `?think=N` answers after N ms. Prints its port on stdout.
import { createServer } from 'node:http';

const JSON_BODY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'pong.' }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const FIRST = chunk({ role: 'assistant', content: '' });
const REST =
  chunk({ content: 'po' }) +
  chunk({ content: 'ng.' }) +
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })}\n\n` +
  'data: [DONE]\n\n';

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
