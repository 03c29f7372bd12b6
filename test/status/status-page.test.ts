// SPDX-License-Identifier: Apache-2.0
// The contract-health page in a real headless Chromium (Debian's chromium, driven by
// playwright-core): figures on the page match /status.json; a screenshot is kept as an artifact.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { newContext } from '../../src/component/consumer.js';
import { HealthCheckExtension } from '../../src/extensions/health-check/health-check.js';
import { StatusExporter } from '../../src/exporters/status/status-exporter.js';
import { sampleRecord } from '../../src/testing/compliance.js';
import { nopHost, testSettings } from '../../src/testing/nop-host.js';
import { launchChromium, requireChromium, saveScreenshot } from './chromium.js';

describe('status page in headless Chromium', function () {
  this.timeout(60_000);
  let chromiumPath: string;
  before(function () {
    chromiumPath = requireChromium(this);
  });

  it('shows the same figures as /status.json', async () => {
    const host = nopHost();
    const status = new StatusExporter(testSettings('exporter', 'status'), {
      refresh_seconds: 5,
      latency_samples: 64,
      recent_events: 10,
      max_groups: 10,
    });
    const health = new HealthCheckExtension(testSettings('extension', 'health_check'), {
      endpoint: '127.0.0.1:0',
      path: '/healthz',
      metrics_path: '/metrics',
    });
    await health.start(host);
    await status.start(host);
    const batch = Array.from({ length: 20 }, (_, i) => {
      const r = sampleRecord();
      r.receiver = 'probe/demo';
      r.request.probe = i % 2 ? 'chat' : 'chat_stream';
      r.timings.totalMs = 100 + i * 10;
      r.response.model = 'gpt-4o-mini-2024-07-18';
      r.findings = { items: [], verdict: i === 3 ? 'violation' : 'ok', responseSchemaValid: i !== 3 };
      if (i === 5) {
        r.response.status = 401;
        r.findings = {
          items: [],
          errorClass: 'auth',
          owner: 'secrets / IAM / deploy config',
          firstAction: 'check key rotation, env vars, gateway header injection',
          retryable: false,
        };
      }
      return r;
    });
    await status.consume(batch, newContext());
    const base = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const resp = await page.goto(`${base}/status`);
      expect(resp?.status()).to.equal(200);
      const json = (await (await fetch(`${base}/status.json`)).json()) as {
        groups: Array<Record<string, unknown>>;
      };
      const g = json.groups[0];
      const field = async (f: string) =>
        (await page.locator(`[data-group="0"] [data-field="${f}"]`).first().textContent())?.trim();
      expect(await field('calls')).to.equal(String(g.calls));
      expect(await field('violations')).to.equal(String(g.violations));
      expect(await field('schema_valid_rate')).to.equal(
        `${((g.schema_valid_rate as number) * 100).toFixed(1)}%`,
      );
      expect(await field('auth_failures_since_config_change')).to.equal(
        String(g.auth_failures_since_config_change),
      );
      expect(await field('errors.auth.count')).to.equal('1');
      const lat = g.latency_by_probe as Record<string, { p95_ms: number }>;
      expect(await field('latency_by_probe.chat.p95_ms')).to.equal(String(lat.chat.p95_ms));
      expect(await page.locator('text=check key rotation').count()).to.be.greaterThan(0);
      const external = await page.locator('script[src], link[href], img[src]').count();
      expect(external, 'no external assets').to.equal(0);
      await saveScreenshot(page, 'status-page-unit.png');
    } finally {
      await browser.close();
      await health.shutdown({ deadline: Date.now() + 1000 });
    }
  });
});
