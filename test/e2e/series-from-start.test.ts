// SPDX-License-Identifier: Apache-2.0
// Issue 13 item 2: a configured target's alerting counters exist at 0 before its first call ends,
// so a real Prometheus scraping the agent sees increase() > 0 on the very first schema-invalid
// answer (a series born at 1 would show no increase and the first drift would never page).
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consumerFromFn, newContext } from '../../src/component/consumer.js';
import { prometheusExporterFactory } from '../../src/exporters/prometheus/index.js';
import type { PrometheusExporter } from '../../src/exporters/prometheus/prometheus-exporter.js';
import { classifyProcessorFactory } from '../../src/processors/classify/index.js';
import { ClassifyProcessor } from '../../src/processors/classify/classify-processor.js';
import { validateProcessorFactory } from '../../src/processors/validate/index.js';
import { ValidateProcessor } from '../../src/processors/validate/validate-processor.js';
import { ProbeReceiver } from '../../src/receivers/probe/probe-receiver.js';
import { BACKENDS_HINT, pollUntil, Prometheus, PROMETHEUS } from '../../src/testing/backends.js';
import { nopHost, testSettings } from '../../src/testing/nop-host.js';
import { probeConfig } from '../../src/testing/probe-once.js';
import { requireTool } from '../../src/testing/system-tool.js';

before(async () => prometheusExporterFactory.load?.());

describe('series exist from the start (real probe receiver, real Prometheus)', function () {
  this.timeout(120_000);
  let bin: string;
  let prom: Prometheus | undefined;
  let server: Server | undefined;
  let release: () => void = () => {};
  before(function () {
    bin = requireTool(this, 'prometheus', PROMETHEUS, BACKENDS_HINT);
  });
  after(async () => {
    release();
    await prom?.destroy();
    server?.closeAllConnections();
    server?.close();
  });

  it('exports the counters at 0 before the first answer, and increase() sees the first violation', async () => {
    // the upstream holds its first answer until the test says so, then answers HTML with a 200
    const held = new Promise<void>((r) => (release = r));
    server = createServer((req, res) => {
      req.resume();
      void held.then(() =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>maintenance</body></html>'),
      );
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;

    const exporter = prometheusExporterFactory.create(testSettings('exporter', 'prometheus'), {
      ...prometheusExporterFactory.createDefaultConfig(),
      endpoint: '127.0.0.1:0',
    }) as PrometheusExporter;
    await exporter.start(nopHost());
    const noop = consumerFromFn(async () => {});
    const vc = validateProcessorFactory.createDefaultConfig();
    const validate = new ValidateProcessor(
      testSettings('processor', 'validate'),
      { ...vc, shapes: { ...vc.shapes, persist: false } },
      noop,
    );
    const classify = new ClassifyProcessor(
      testSettings('processor', 'classify'),
      classifyProcessorFactory.createDefaultConfig(),
      noop,
    );
    const receiver = new ProbeReceiver(
      testSettings('receiver', 'probe/held'),
      probeConfig({
        base_url: `http://127.0.0.1:${port}/v1`,
        provider: 'held',
        model: 'gpt-4o-mini',
        timeout: '60s',
        probes: [{ name: 'chat', kind: 'chat', interval: '1h' }],
      }),
      consumerFromFn(async (batch) => {
        validate.process(batch);
        classify.process(batch);
        await exporter.consume(batch, newContext());
      }),
      {},
    );
    try {
      await receiver.start(nopHost());
      const zero = /^llm_response_schema_invalid_total\{[^}]*probe="chat"[^}]*\} 0$/m;
      const page = await pollUntil(
        async () => {
          const p = await exporter.render();
          return zero.test(p) ? p : undefined;
        },
        10_000,
        'the zero series',
      );
      expect(page).to.match(
        /^llm_request_total\{provider="held",[^}]*model="gpt-4o-mini"[^}]*probe="chat"\} 0$/m,
      );
      expect(page).to.match(/^llm_contract_verdict_total\{[^}]*verdict="violation"\} 0$/m);

      prom = new Prometheus(bin, `127.0.0.1:${exporter.address()!.port}`, '1s');
      await prom.start();
      const p = prom;
      await pollUntil(
        async () =>
          ((await p.sum('count_over_time(llm_response_schema_invalid_total{provider="held"}[1m])')) ?? 0) >=
            3 || undefined,
        30_000,
        'three zero samples',
      );
      release();
      const rise = await pollUntil(
        async () => {
          const v = await p.sum(`increase(llm_response_schema_invalid_total{provider="held"}[1m])`);
          return v !== undefined && v > 0 ? v : undefined;
        },
        30_000,
        'increase() of the first schema-invalid answer',
      );
      expect(rise).to.be.greaterThan(0);
    } finally {
      await receiver.shutdown({ deadline: Date.now() + 5000 });
      await exporter.shutdown({ deadline: Date.now() + 5000 });
    }
  });
});
