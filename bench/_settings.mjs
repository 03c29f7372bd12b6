// SPDX-License-Identifier: Apache-2.0
// Component settings and a running host for benches, from the built package (src/testing is not
// in dist): the same shapes as src/testing/nop-host.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProcessSettings } from '../dist/config/process-settings.js';
import { ServiceHost } from '../dist/service/host.js';
import { createComponentTelemetry } from '../dist/telemetry/component-telemetry.js';
import { silentLogger } from '../dist/telemetry/logger.js';
import { SelfMetrics } from '../dist/telemetry/self-metrics.js';

export function nopHost(metrics = new SelfMetrics()) {
  const h = new ServiceHost(metrics);
  h.serviceState = 'running';
  return h;
}

export function benchSettings(kind, id, opts = {}) {
  const metrics = opts.metrics ?? new SelfMetrics();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'dw-bench-data-'));
  return {
    id,
    kind,
    logger: silentLogger(),
    telemetry: createComponentTelemetry(metrics, kind, id, undefined),
    process: loadProcessSettings({ dataDir }, {}),
    dataDir,
    sensitive: [],
  };
}
