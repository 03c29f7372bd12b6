// SPDX-License-Identifier: Apache-2.0
// /healthz names an exporter whose every export has failed for `degraded_after` as degraded, and
// clears it on the next success: a real otlp_http exporter against a real loopback receiver that
// answers 503 until told otherwise.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { OtlpTestReceiver } from '../../testing/otlp-receiver.js';
import { fastConfig } from '../../testing/otlp-harness.js';
import { otlpHttpExporterFactory } from '../../exporters/otlp-http/index.js';
import type { OtlpHttpExporter } from '../../exporters/otlp-http/otlp-http-exporter.js';
import { newContext } from '../../component/consumer.js';
import { probeRecord } from '../../testing/signal-records.js';
import { degradedComponents, HealthCheckExtension } from './health-check.js';
import { healthCheckFactory } from './index.js';

interface Healthz {
  status: string;
  degraded?: string[];
  components: Record<string, { state: string; degraded?: boolean; error?: string }>;
}

// create() needs the implementation imported first (Graph.build does it for pipelines)
before(async () => otlpHttpExporterFactory.load?.());

describe('health_check: a failing exporter is degraded', function () {
  this.timeout(30_000);

  it('counts the failing time from the first failure, whatever the error text', () => {
    const since = 1_000;
    const s = { state: 'recoverable_error' as const, since, error: 'export failed: http_503' };
    expect(degradedComponents([['exporter:x', s]], 5_000, since + 4_999)).to.deep.equal([]);
    expect(degradedComponents([['exporter:x', s]], 5_000, since + 5_000)).to.deep.equal(['exporter:x']);
    expect(degradedComponents([['exporter:x', { ...s, state: 'ok' }]], 0, since + 9_999)).to.deep.equal([]);
    const host = nopHost();
    host.reportStatus({ kind: 'exporter', id: 'x' }, { state: 'recoverable_error', error: 'a' });
    const first = host.statuses().get('exporter:x')!.since;
    host.reportStatus({ kind: 'exporter', id: 'x' }, { state: 'recoverable_error', error: 'b' });
    expect(host.statuses().get('exporter:x')).to.include({ since: first, error: 'b' });
  });

  it('names the exporter while every export fails, and clears it on the next success', async () => {
    const rx = new OtlpTestReceiver();
    await rx.start();
    const host = nopHost();
    const health = new HealthCheckExtension(testSettings('extension', 'health_check'), {
      ...healthCheckFactory.createDefaultConfig(),
      endpoint: '127.0.0.1:0',
      path: '/healthz',
      metrics_path: '/metrics',
      degraded_after: 300,
    });
    const settings = testSettings('exporter', 'otlp_http/test');
    const d = fastConfig(rx.url);
    const exporter = otlpHttpExporterFactory.create(settings, {
      ...d,
      retry_on_failure: { ...d.retry_on_failure, max_elapsed_time: 1500 },
    }) as OtlpHttpExporter;
    await health.start(host);
    await exporter.start(host);
    const healthz = async () =>
      (await (
        await fetch(`http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`)
      ).json()) as Healthz;
    try {
      for (let i = 0; i < 200; i++) rx.faults.push({ kind: 'status', status: 503 });
      const failing = exporter.consume([probeRecord()], newContext()).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      let h = await healthz();
      expect(h.status, 'failing, but not for long yet').to.equal('ok');
      expect(h.components['exporter:otlp_http/test'].state).to.equal('recoverable_error');
      await new Promise((r) => setTimeout(r, 400));
      h = await healthz();
      expect(h.status).to.equal('degraded');
      expect(h.degraded).to.deep.equal(['exporter:otlp_http/test']);
      expect(h.components['exporter:otlp_http/test']).to.include({ degraded: true });
      expect(h.components['exporter:otlp_http/test'].error).to.contain('http_503');
      expect(String(await failing)).to.contain('export failed');
      rx.faults.length = 0;
      await exporter.consume([probeRecord()], newContext());
      h = await healthz();
      expect(h.status).to.equal('ok');
      expect(h.components['exporter:otlp_http/test'].state).to.equal('ok');
      expect(h.degraded).to.equal(undefined);
    } finally {
      await exporter.shutdown({ deadline: Date.now() + 2000 });
      await health.shutdown({ deadline: Date.now() + 1000 });
      await rx.stop();
    }
  });
});
