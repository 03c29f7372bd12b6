// SPDX-License-Identifier: Apache-2.0
// The status page while the demo runs (simulator + probes of every kind + processors), in a
// real headless Chromium: the page's figures match /status.json; the screenshot is kept.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusSnapshot } from '../../src/exporters/status/snapshot.js';
import { freePort, getJson, spawnAgent, waitFor } from '../helpers/child-agent.js';
import { launchChromium, requireChromium, saveScreenshot } from './chromium.js';

const RECEIVER = 'probe/simulator';
const targetOf = (s: StatusSnapshot) => s.targets?.find((t) => t.receiver === RECEIVER);

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
      // find the target by receiver, never by position: cards come in the order records arrive
      let lastSeen = 'nothing yet';
      await waitFor(
        'the demo to judge a few probes and run a deliberate one',
        async () => {
          const s = (await getJson(`${base}/status.json`)).body as StatusSnapshot;
          lastSeen = JSON.stringify(s.targets?.map((t) => [t.receiver, t.windows.since_start.counts.calls]));
          const t = targetOf(s);
          return t && t.windows.since_start.counts.calls >= 4 && t.expectations.length > 0 ? true : undefined;
        },
        90_000,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}; last targets ${lastSeen}; demo stderr: ${demo.stderr().slice(-3000)}`,
        );
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      let compared = false;
      for (let attempt = 0; attempt < 5 && !compared; attempt++) {
        await page.goto(`${base}/status`);
        const json = (await getJson(`${base}/status.json`)).body as StatusSnapshot;
        expect(json.targets, 'one card: the deliberate probes are no target of their own').to.have.length(1);
        const t = targetOf(json)!;
        const card = page.locator(`section.target[data-receiver="${RECEIVER}"]`);
        const field = async (f: string) =>
          (await card.locator(`[data-field="${f}"]`).first().textContent())?.trim();
        const w = t.windows.since_start;
        if ((await field('since_start.calls')) !== String(w.counts.calls)) continue; // a probe landed between the two reads
        expect(await card.getAttribute('data-state')).to.equal(t.state);
        expect(['healthy', 'drift', 'violation', 'down']).to.include(t.state);
        expect(await field('since_start.violations')).to.equal(String(w.counts.violations));
        expect(await field('since_start.drift')).to.equal(String(w.counts.drift));
        expect(await field('since_start.schema_valid_rate')).to.equal(
          w.rates.schema_valid_rate === null ? '—' : `${(w.rates.schema_valid_rate * 100).toFixed(1)}%`,
        );
        for (const [cls, e] of Object.entries(t.errors))
          expect(await field(`errors.${cls}.count`)).to.equal(String(e.count));
        for (const x of t.expectations)
          expect(await card.locator(`[data-expectation="${x.probe}"]`).getAttribute('data-state')).to.equal(
            x.state,
          );
        expect(Object.keys(t.models)).to.deep.equal(['gpt-4o-mini']);
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
