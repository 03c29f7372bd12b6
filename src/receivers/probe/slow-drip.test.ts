// SPDX-License-Identifier: Apache-2.0
// Fault matrix (issue 8): an LLM endpoint that sends its headers at once and then ONE body byte
// per second, forever. Each byte resets the idle gap, so `idle_timeout` never fires; only the
// probe's overall deadline can end the probe. It must end there, with the right class, and the
// receiver must go on probing (the next request gets a normal answer and is recorded).
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeOnce } from '../../testing/probe-once.js';

const JSON_ANSWER = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});
const SSE_ANSWER =
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'pong' }, finish_reason: 'stop' }] })}\n\n` +
  'data: [DONE]\n\n';

/** First request: headers, then one byte of `body` per second (forever, looping). Later: `body` at once. */
async function dripServer(contentType: string, body: string) {
  let requests = 0;
  const drips: NodeJS.Timeout[] = [];
  const open: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': contentType });
      if (requests > 1) return void res.end(body);
      res.flushHeaders();
      open.push(res);
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || res.writableEnded) return clearInterval(t);
        res.write(body[i++ % body.length]);
      }, 1000);
      drips.push(t);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    base,
    requests: () => requests,
    /** The server saw the client hang up the dripping response. */
    clientGone: () => open.every((r) => r.destroyed || r.socket === null || r.socket.destroyed),
    async close() {
      drips.forEach(clearInterval);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('probe receiver: slow drip, one byte per second', function () {
  this.timeout(60_000);
  const DEADLINE_MS = 3500;
  // idle_timeout far above the 1 s drip gap: only the overall deadline may end the probe
  const target = (base: string) => ({ base_url: base, idle_timeout: '10s', timeout: `${DEADLINE_MS}ms` });

  it('plain JSON: body_timeout at the probe deadline, body not parsed, the next probe is served', async () => {
    const srv = await dripServer('application/json', JSON_ANSWER);
    const t0 = Date.now();
    try {
      const { records } = await probeOnce(
        { ...target(srv.base), probes: [{ name: 'drip', kind: 'chat', interval: '1s' }] },
        { records: 2, timeoutMs: 30_000 },
      );
      const elapsed = Date.now() - t0;
      expect(records.length, 'the receiver kept probing after the drip').to.be.at.least(2);
      const [drip, next] = records;
      if (process.env.DW_FIGURES)
        console.log(
          `slow drip JSON: ended after ${drip.timings.totalMs?.toFixed(0)} ms with ${drip.response.bodyBytes} bytes, ` +
            `${drip.transportError?.code}; both records in ${elapsed} ms`,
        );
      expect(drip.response.status).to.equal(200);
      expect(drip.transportError).to.include({ code: 'body_timeout', phase: 'body' });
      expect(drip.transportError?.message).to.match(/deadline/);
      expect(drip.response.parse).to.equal('not_read');
      expect(drip.response.body).to.equal(undefined);
      // a byte a second for ~3.5 s: a handful of bytes arrived, the rest never will
      expect(drip.response.bodyBytes).to.be.within(1, 6);
      expect(drip.timings.totalMs).to.be.within(DEADLINE_MS - 10, DEADLINE_MS + 2500);
      expect(next.transportError, JSON.stringify(next.transportError)).to.equal(undefined);
      expect(next.response).to.include({ status: 200, parse: 'json' });
      expect(srv.requests()).to.be.at.least(2);
      expect(srv.clientGone(), 'the probe hung up the dripping connection').to.equal(true);
    } finally {
      await srv.close();
    }
  });

  it('SSE: deadline anomaly (not stalled) at the probe deadline, the next probe is served', async () => {
    const srv = await dripServer('text/event-stream', SSE_ANSWER);
    try {
      const { records } = await probeOnce(
        { ...target(srv.base), probes: [{ name: 'drip', kind: 'chat_stream', interval: '1s' }] },
        { records: 2, timeoutMs: 30_000 },
      );
      expect(records.length, 'the receiver kept probing after the drip').to.be.at.least(2);
      const [drip, next] = records;
      if (process.env.DW_FIGURES)
        console.log(
          `slow drip SSE: ended after ${drip.timings.totalMs?.toFixed(0)} ms with ${drip.response.bodyBytes} bytes, ` +
            `${drip.transportError?.code}, anomalies ${drip.response.stream?.anomalies.join(',')}`,
        );
      expect(drip.response.parse).to.equal('sse');
      expect(drip.transportError).to.include({ code: 'body_timeout', phase: 'body' });
      expect(drip.response.stream?.anomalies).to.include.members(['deadline', 'no_done']);
      expect(drip.response.stream?.anomalies).to.not.include('stalled');
      expect(drip.response.stream?.events, 'no complete event in a few dripped bytes').to.equal(0);
      expect(drip.timings.totalMs).to.be.within(DEADLINE_MS - 10, DEADLINE_MS + 2500);
      expect(next.response.parse).to.equal('sse');
      expect(next.response.stream?.sawDone).to.equal(true);
      expect(next.response.stream?.anomalies).to.deep.equal([]);
      expect(srv.clientGone(), 'the probe hung up the dripping connection').to.equal(true);
    } finally {
      await srv.close();
    }
  });
});
