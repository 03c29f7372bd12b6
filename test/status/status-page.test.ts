// SPDX-License-Identifier: Apache-2.0
// The contract-health page in a real headless Chromium (Debian's chromium, driven by
// playwright-core) for three targets, a healthy one, a drifting one and a broken one: the
// overall state and its colour, the windows, the sparklines, the deliberate probes as
// expectations inside their target's card, and figures that match /status.json. A screenshot
// is kept as an artifact.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { newContext } from '../../src/component/consumer.js';
import { HealthCheckExtension } from '../../src/extensions/health-check/health-check.js';
import { healthCheckFactory } from '../../src/extensions/health-check/index.js';
import type { StatusSnapshot } from '../../src/exporters/status/snapshot.js';
import { StatusExporter } from '../../src/exporters/status/status-exporter.js';
import type { CallRecord } from '../../src/model/call-record.js';
import { sampleRecord } from '../../src/testing/compliance.js';
import { nopHost, testSettings } from '../../src/testing/nop-host.js';
import { launchChromium, requireChromium, saveScreenshot } from './chromium.js';

function call(receiver: string, i: number, mut: (r: CallRecord) => void = () => {}): CallRecord {
  const r = sampleRecord();
  r.receiver = receiver;
  r.request.probe = i % 2 ? 'chat' : 'chat_stream';
  r.timings.totalMs = 100 + i * 10;
  r.response.model = 'gpt-4o-mini-2024-07-18';
  r.response.usage = { promptTokens: 10, completionTokens: 2, totalTokens: 12 };
  r.findings = { items: [], verdict: 'ok', responseSchemaValid: true };
  mut(r);
  return r;
}

function deliberate(receiver: string, held: boolean): CallRecord {
  return call(receiver, 0, (r) => {
    r.request.probe = 'invalid';
    r.request.probeKind = 'invalid_request';
    r.request.model = 'driftwatch-probe-nonexistent-model';
    r.response.status = held ? 500 : 200;
    r.findings = held
      ? { items: [], errorClass: 'bad_request', expectation: { kind: 'invalid_request', held: true } }
      : {
          items: [],
          expectation: { kind: 'invalid_request', held: false, reason: 'accepted_invalid_request' },
        };
  });
}

/** A status exporter whose page the health_check extension serves on a free loopback port. */
async function startStatusPage(): Promise<{
  status: StatusExporter;
  health: HealthCheckExtension;
  base: string;
}> {
  const host = nopHost();
  const status = new StatusExporter(testSettings('exporter', 'status'), {
    refresh_seconds: 5,
    recent_events: 10,
    max_groups: 10,
  });
  const health = new HealthCheckExtension(testSettings('extension', 'health_check'), {
    ...healthCheckFactory.createDefaultConfig(),
    endpoint: '127.0.0.1:0',
    path: '/healthz',
    metrics_path: '/metrics',
  });
  await health.start(host);
  await status.start(host);
  return { status, health, base: `http://127.0.0.1:${(health.address() as AddressInfo).port}` };
}

describe('status page in headless Chromium', function () {
  this.timeout(60_000);
  let chromiumPath: string;
  before(function () {
    chromiumPath = requireChromium(this);
  });

  it('shows a healthy, a drifting and a broken target at a glance, figure for figure as /status.json', async () => {
    const { status, health, base } = await startStatusPage();
    const batch = [
      ...Array.from({ length: 10 }, (_, i) => call('probe/healthy', i)),
      deliberate('probe/healthy', true),
      ...Array.from({ length: 10 }, (_, i) =>
        call('probe/drifting', i, (r) => {
          if (i >= 6) {
            r.findings.verdict = 'drift';
            r.findings.shapeDiff = { added: ['choices[].message.annotations'], removed: [], changed: [] };
          }
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        call('probe/broken', i, (r) => {
          if (i === 3) {
            r.response.usage = undefined;
            r.findings = {
              items: [{ path: 'usage', kind: 'usage', level: 'violation' }],
              verdict: 'violation',
              responseSchemaValid: true,
            };
          }
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
        }),
      ),
      deliberate('probe/broken', false),
    ];
    await status.consume(batch, newContext());
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const resp = await page.goto(`${base}/status`);
      expect(resp?.status()).to.equal(200);
      const json = (await (await fetch(`${base}/status.json`)).json()) as StatusSnapshot;
      expect(json.targets.map((t) => [t.receiver, t.state])).to.deep.equal([
        ['probe/healthy', 'healthy'],
        ['probe/drifting', 'drift'],
        ['probe/broken', 'violation'],
      ]);
      const cards = page.locator('section.target');
      expect(await cards.count(), 'no card of its own for a deliberate probe').to.equal(3);
      const expected = {
        'probe/healthy': 'rgb(45, 164, 78)',
        'probe/drifting': 'rgb(212, 167, 44)',
        'probe/broken': 'rgb(207, 34, 46)',
      };
      for (const t of json.targets) {
        const card = page.locator(`section.target[data-receiver="${t.receiver}"]`);
        const field = async (f: string) =>
          (await card.locator(`[data-field="${f}"]`).first().textContent())?.trim();
        expect(await card.getAttribute('data-state')).to.equal(t.state);
        expect(await field('state')).to.equal(t.state);
        const colour = await page.evaluate(
          `getComputedStyle(document.querySelector('section.target[data-receiver="${t.receiver}"] .state')).backgroundColor`,
        );
        expect(colour, `${t.receiver} badge colour`).to.equal(expected[t.receiver as keyof typeof expected]);
        for (const w of ['last_5m', 'last_1h', 'since_start'] as const) {
          expect(await field(`${w}.calls`)).to.equal(String(t.windows[w].counts.calls));
          const rate = t.windows[w].rates.schema_valid_rate;
          expect(await field(`${w}.schema_valid_rate`)).to.equal(
            rate === null ? '—' : `${(rate * 100).toFixed(1)}%`,
          );
        }
        expect(
          await card
            .locator(
              '[data-spark="schema_valid_rate"] svg polyline, [data-spark="schema_valid_rate"] svg circle',
            )
            .count(),
        ).to.be.greaterThan(0);
        const lat = t.latency_by_probe.chat;
        expect(await field('latency_by_probe.chat.p95_ms')).to.equal(String(lat.p95_ms));
        expect(await field('latency_by_probe.chat.failed')).to.equal(String(lat.failed));
      }
      const broken = page.locator('section.target[data-receiver="probe/broken"]');
      expect(await broken.locator('[data-field="errors.auth.count"]').textContent()).to.equal('1');
      expect(await broken.locator('[data-field="latency_by_probe.chat.failed"]').textContent()).to.equal('2');
      expect(await broken.locator('[data-expectation="invalid"]').getAttribute('data-state')).to.equal(
        'broken',
      );
      expect(await broken.locator('text=accepted_invalid_request').count()).to.equal(1);
      const healthy = page.locator('section.target[data-receiver="probe/healthy"]');
      expect(await healthy.locator('[data-expectation="invalid"]').getAttribute('data-state')).to.equal(
        'held',
      );
      expect(await page.locator('text=check key rotation').count()).to.be.greaterThan(0);
      expect(await page.locator('text=failed calls included').count()).to.equal(3);
      const external = await page.locator('script[src], link[href], img[src], image').count();
      expect(external, 'no external assets').to.equal(0);
      await saveScreenshot(page, 'status-page-three-targets.png');
    } finally {
      await browser.close();
      await health.shutdown({ deadline: Date.now() + 1000 });
    }
  });

  it('shows proxy targets beside probe and log targets, each card labelled by its source', async () => {
    const { status, health, base } = await startStatusPage();
    const real = (
      receiver: string,
      source: 'proxy' | 'access_log',
      i: number,
      mut?: (r: CallRecord) => void,
    ) =>
      call(receiver, i, (r) => {
        r.source = source;
        r.request.probe = undefined; // real calls have no probe name
        mut?.(r);
      });
    await status.consume(
      [
        ...Array.from({ length: 4 }, (_, i) => call('probe/openai', i)),
        ...Array.from({ length: 5 }, (_, i) => real('access_log/gateway', 'access_log', i)),
        ...Array.from({ length: 6 }, (_, i) =>
          real('proxy/app', 'proxy', i, (r) => {
            if (i === 2) {
              r.findings.verdict = 'drift';
              r.findings.shapeDiff = { added: [], removed: ['usage.total_tokens'], changed: [] };
            }
          }),
        ),
      ],
      newContext(),
    );
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      expect((await page.goto(`${base}/status`))?.status()).to.equal(200);
      const json = (await (await fetch(`${base}/status.json`)).json()) as StatusSnapshot;
      expect(json.targets.map((t) => [t.receiver, t.source, t.state])).to.deep.equal([
        ['probe/openai', 'probe', 'healthy'],
        ['access_log/gateway', 'access_log', 'healthy'],
        ['proxy/app', 'proxy', 'drift'],
      ]);
      const proxy = page.locator('section.target[data-source="proxy"]');
      expect(await proxy.count(), 'one proxy card').to.equal(1);
      expect(await proxy.getAttribute('data-receiver')).to.equal('proxy/app');
      expect(await proxy.locator('[data-field="source"]').textContent()).to.equal('proxy · real calls');
      expect(await proxy.locator('[data-field="since_start.calls"]').textContent()).to.equal('6');
      expect(await proxy.locator('[data-field="state"]').textContent()).to.equal('drift');
      expect(await proxy.locator('text=usage.total_tokens').count()).to.equal(1);
      expect(
        await page.locator('section.target[data-source="probe"] [data-field="source"]').textContent(),
      ).to.equal('probe · synthetic calls');
      expect(
        await page.locator('section.target[data-source="access_log"] [data-field="source"]').textContent(),
      ).to.equal('access log · real calls, no bodies');
      await saveScreenshot(page, 'status-page-proxy-beside-probe-and-log.png');
    } finally {
      await browser.close();
      await health.shutdown({ deadline: Date.now() + 1000 });
    }
  });
});
