// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { createComponentTelemetry } from '../../telemetry/component-telemetry.js';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { HealthCheckExtension } from './health-check.js';
import { healthCheckFactory } from './index.js';

describe('health_check extension', () => {
  it('answers 503 while starting or on a permanent failure, 200 when all is ok, and serves /metrics and routes', async () => {
    const host = nopHost();
    host.serviceState = 'starting';
    const ext = new HealthCheckExtension(testSettings('extension', 'health_check'), {
      ...healthCheckFactory.createDefaultConfig(),
      endpoint: '127.0.0.1:0',
      path: '/healthz',
      metrics_path: '/metrics',
    });
    await ext.start(host);
    const base = `http://127.0.0.1:${(ext.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).to.equal(503);
      host.serviceState = 'running';
      host.reportStatus({ kind: 'receiver', id: 'probe/x' }, { state: 'ok' });
      const ok = await fetch(`${base}/healthz`);
      expect(ok.status).to.equal(200);
      const body = (await ok.json()) as { status: string; components: Record<string, { state: string }> };
      expect(body.status).to.equal('ok');
      expect(body.components['receiver:probe/x'].state).to.equal('ok');
      host.reportStatus({ kind: 'exporter', id: 'otlp_http' }, { state: 'permanent_error', error: 'boom' });
      expect((await fetch(`${base}/healthz`)).status).to.equal(503);

      createComponentTelemetry(host.metrics, 'receiver', 'probe/x').accepted(3);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).to.contain('driftwatch_receiver_accepted_records_total{receiver="probe/x"} 3');
      expect(metrics).to.contain('# TYPE driftwatch_receiver_refused_records_total counter');

      host.registerRoute('/status', (_req, res) => res.end('status page'));
      expect(await (await fetch(`${base}/status`)).text()).to.equal('status page');
      expect((await fetch(`${base}/nope`)).status).to.equal(404);
      expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).to.equal(405);
    } finally {
      await ext.shutdown({ deadline: Date.now() + 1000 });
    }
  });
});
