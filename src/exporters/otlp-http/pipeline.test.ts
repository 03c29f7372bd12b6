// SPDX-License-Identifier: Apache-2.0
// Both exporters configured from YAML in a real Service graph, fed by the ticker test receiver:
// the OTLP receiver gets one span per acknowledged record, and the Prometheus page counts them.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../components.js';
import { loadServiceConfig } from '../../config/load.js';
import { loadProcessSettings } from '../../config/process-settings.js';
import { Service } from '../../service/service.js';
import { silentLogger } from '../../telemetry/logger.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import { freePort, pollUntil } from '../../testing/backends.js';
import { OtlpTestReceiver } from '../../testing/otlp-receiver.js';
import { tickerReceiverFactory } from '../../testing/ticker-receiver.js';
import type { AnyFactory } from '../../component/factory.js';

describe('otlp_http + prometheus in a YAML-configured pipeline', function () {
  this.timeout(60_000);
  it('delivers every acknowledged record as a span and counts it on the Prometheus page', async () => {
    const rx = new OtlpTestReceiver();
    await rx.start();
    const promPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'dw-pipe-'));
    const registry = builtinRegistry([tickerReceiverFactory as AnyFactory]);
    const yaml = `
receivers:
  ticker: { interval_ms: 20, batch: 2, model: pipe-model }
exporters:
  otlp_http:
    endpoint: ${rx.url}
    retry_on_failure: { initial_interval: 20ms, max_interval: 50ms, max_elapsed_time: 5s }
    metrics: { export_interval: 200ms }
  prometheus: { endpoint: 127.0.0.1:${promPort} }
service:
  pipelines:
    contract:
      receivers: [ticker]
      exporters: [otlp_http, prometheus]
`;
    const cfg = loadServiceConfig({ files: [], inline: [['pipeline.yaml', yaml]], env: {}, registry });
    const metrics = new SelfMetrics();
    const service = new Service({
      registry,
      process: loadProcessSettings({ dataDir }, {}),
      logger: silentLogger(),
      metrics,
    });
    await service.start(cfg);
    try {
      await pollUntil(async () => (rx.spans().length >= 40 ? true : undefined), 30_000, '40 spans');
      const page = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
      const scraped = [...page.matchAll(/^llm_request_total\{[^}]*\} (\d+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      expect(scraped, 'the Prometheus page saw at least what the OTLP receiver got').to.be.at.least(40);
    } finally {
      const errors = await service.shutdown(10_000);
      expect(errors).to.deep.equal([]);
    }
    const acked = metrics.sum('driftwatch_receiver_accepted_records_total');
    expect(acked).to.be.greaterThan(0);
    expect(rx.spans().length, 'one span per acknowledged record').to.equal(acked);
    expect(rx.spans()[0].name).to.equal('chat pipe-model');
    const lastMetrics = rx.of('metrics').at(-1)!.body;
    const req = lastMetrics.resourceMetrics[0].scopeMetrics
      .flatMap((s: { metrics: unknown[] }) => s.metrics)
      .find((m: { name: string }) => m.name === 'llm.request');
    const total = req.sum.dataPoints.reduce(
      (s: number, d: { asDouble?: number }) => s + Number(d.asDouble),
      0,
    );
    expect(total, 'final metrics export carries every record').to.equal(acked);
    await rx.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
