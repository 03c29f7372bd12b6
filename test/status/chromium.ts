// SPDX-License-Identifier: Apache-2.0
// Headless Chromium for the status-page tests (Debian's chromium, driven by playwright-core):
// shared here so a test file never imports another test file (which would register its suite too).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { requireTool } from '../../src/testing/system-tool.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** The chromium binary; skips the suite outside CI (fails under CI=true) when it is missing. */
export function requireChromium(ctx: Mocha.Context): string {
  return requireTool(
    ctx,
    'chromium',
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
    'apt-get install chromium',
  );
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Keeps a full-page screenshot under test-artifacts/ and prints its path. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, name);
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(`      screenshot: ${shot}\n`);
}
