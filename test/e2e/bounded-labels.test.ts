// SPDX-License-Identifier: Apache-2.0
// Issue 13 item 6: a server that answers a random model name per response, probed 10,000 times
// by the real probe receiver into the real prometheus exporter: the page stops growing once the
// first values per target are taken; the rest is `other`, counted in llm_attribute_overflow_total.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consumerFromFn, newContext } from '../../src/component/consumer.js';
import { prometheusExporterFactory } from '../../src/exporters/prometheus/index.js';
import type { PrometheusExporter } from '../../src/exporters/prometheus/prometheus-exporter.js';
import { ProbeReceiver } from '../../src/receivers/probe/probe-receiver.js';
import { MAX_VALUES_PER_TARGET } from '../../src/signals/label-bounds.js';
import { probeConfig } from '../../src/testing/probe-once.js';
import { nopHost, testSettings } from '../../src/testing/nop-host.js';

function randomModelServer(): Promise<Server> {
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-x',
          object: 'chat.completion',
          created: 1,
          model: `random-${randomUUID()}`,
          choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      );
    });
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

before(async () => prometheusExporterFactory.load?.());

describe('bounded labels: a server answering a random model per response', function () {
  this.timeout(300_000);

  it('keeps the Prometheus page bounded over 10,000 calls', async () => {
    const server = await randomModelServer();
    const port = (server.address() as AddressInfo).port;
    const exporter = prometheusExporterFactory.create(testSettings('exporter', 'prometheus'), {
      ...prometheusExporterFactory.createDefaultConfig(),
      endpoint: '127.0.0.1:0',
    }) as PrometheusExporter;
    await exporter.start(nopHost());
    const receiver = new ProbeReceiver(
      testSettings('receiver', 'probe/random'),
      probeConfig({
        base_url: `http://127.0.0.1:${port}/v1`,
        provider: 'random-models',
        model: 'gpt-4o-mini',
        // ten probes run side by side, so 10,000 calls take seconds, not minutes
        probes: Array.from({ length: 10 }, (_, i) => ({ name: `chat-${i}`, kind: 'chat', interval: '1h' })),
        max_concurrency: 10,
        budget: { daily_requests: 0, daily_tokens: 0 }, // unlimited: 10,000 calls on loopback
      }),
      consumerFromFn((batch) => exporter.consume(batch, newContext())),
      {},
    );
    try {
      const modelsOn = (page: string) =>
        new Set([...page.matchAll(/gen_ai_response_model="([^"]*)"/g)].map((m) => m[1]));
      const sum = (page: string, name: string) =>
        [
          ...page.matchAll(new RegExp(`^${name}\\{[^}]*provider="random-models"[^}]*\\} (\\S+)$`, 'gm')),
        ].reduce((s, m) => s + Number(m[1]), 0);

      await receiver.runOnce({ repeat: 100 }); // 1,000 calls
      const early = await exporter.render();
      await receiver.runOnce({ repeat: 900 }); // 10,000 in all
      const late = await exporter.render();

      expect(sum(late, 'llm_request_total'), 'every call was recorded').to.equal(10_000);
      const models = modelsOn(late);
      expect(models.size, 'first values per target plus other').to.equal(MAX_VALUES_PER_TARGET + 1);
      expect(models.has('other')).to.equal(true);
      expect([...modelsOn(early)].sort()).to.deep.equal([...models].sort());
      expect(sum(late, 'llm_attribute_overflow_total')).to.equal(10_000 - MAX_VALUES_PER_TARGET);
      // the page only grows by the digits of its counts, not by series
      const lines = (p: string) => p.split('\n').length;
      expect(lines(late)).to.equal(lines(early));
      expect(Buffer.byteLength(late)).to.be.lessThan(Buffer.byteLength(early) * 1.05);
    } finally {
      await receiver.shutdown({ deadline: Date.now() + 5000 });
      await exporter.shutdown({ deadline: Date.now() + 5000 });
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
