// SPDX-License-Identifier: Apache-2.0
// The status page while the demo runs (simulator + probes of every kind + processors), in a
// real headless Chromium: the page's figures match /status.json; the screenshot is kept.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, getJson, spawnAgent, waitFor } from '../helpers/child-agent.js';
import { launchChromium, requireChromium, saveScreenshot } from './chromium.js';

interface Group {
  receiver: string;
  model: string;
  calls: number;
  violations: number;
  drift_events: number;
  schema_valid_rate: number | null;
  errors: Record<string, { count: number }>;
}

const DEMO_MODEL = 'gpt-4o-mini';

describe('status page of the running demo in headless Chromium', function () {
  this.timeout(120_000);
  let chromiumPath: string;
  before(function () {
    chromiumPath = requireChromium(this);
  });

  it('shows the demo’s contract health, figure for figure as /status.json', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const demo = spawnAgent([
      'demo',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'dw-demo-')),
      '--set',
      `extensions.health_check.endpoint=127.0.0.1:${port}`,
    ]);
    const browser = await launchChromium(chromiumPath);
    try {
      let lastSeen = 'nothing yet';
      await waitFor(
        'the demo to judge a few probes',
        async () => {
          const s = (await getJson(`${base}/status.json`)).body as { groups: Group[] };
          lastSeen = JSON.stringify(s.groups?.map((g) => [g.receiver, g.model, g.calls]));
          return (s.groups?.find((g) => g.model === DEMO_MODEL)?.calls ?? 0) >= 4 ? true : undefined;
        },
        90_000,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}; last groups ${lastSeen}; demo stderr: ${demo.stderr().slice(-3000)}`,
        );
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      let compared = false;
      for (let attempt = 0; attempt < 5 && !compared; attempt++) {
        await page.goto(`${base}/status`);
        const json = (await getJson(`${base}/status.json`)).body as { groups: Group[] };
        // Groups appear in the order their first record arrived; the deliberate invalid_request
        // probe's nonexistent model may come first and is probed rarely, so pick the demo model.
        const index = json.groups.findIndex((g) => g.model === DEMO_MODEL);
        const g = json.groups[index]!;
        const card = page.locator(`[data-group="${index}"]`);
        const field = async (f: string) =>
          (await card.locator(`[data-field="${f}"]`).first().textContent())?.trim();
        if ((await field('calls')) !== String(g.calls)) continue; // a probe landed between the two reads
        expect(await card.getAttribute('data-receiver')).to.equal(g.receiver);
        expect(await field('violations')).to.equal(String(g.violations));
        expect(await field('drift_events')).to.equal(String(g.drift_events));
        expect(await field('schema_valid_rate')).to.equal(
          g.schema_valid_rate === null ? '—' : `${(g.schema_valid_rate * 100).toFixed(1)}%`,
        );
        for (const [cls, e] of Object.entries(g.errors))
          expect(await field(`errors.${cls}.count`)).to.equal(String(e.count));
        compared = true;
      }
      expect(compared, 'page and JSON agreed on a snapshot').to.equal(true);
      await saveScreenshot(page, 'status-page-demo.png');
    } finally {
      await browser.close();
      demo.proc.kill('SIGTERM');
      expect(await demo.exited, demo.stderr().slice(-2000)).to.equal(0);
    }
  });
});
