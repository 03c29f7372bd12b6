// SPDX-License-Identifier: Apache-2.0
// Test doubles are real modules (Collector consumertest / componenttest).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateSettings, Kind } from '../component/component.js';
import { loadProcessSettings } from '../config/process-settings.js';
import { ServiceHost } from '../service/host.js';
import { createComponentTelemetry } from '../telemetry/component-telemetry.js';
import { silentLogger } from '../telemetry/logger.js';
import type { Logger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';

export function nopHost(metrics = new SelfMetrics()): ServiceHost {
  const h = new ServiceHost(metrics);
  h.serviceState = 'running';
  return h;
}

export function testSettings(
  kind: Kind,
  id: string,
  opts: {
    dataDir?: string;
    metrics?: SelfMetrics;
    pipeline?: string;
    sensitive?: string[];
    logger?: Logger;
  } = {},
): CreateSettings {
  const metrics = opts.metrics ?? new SelfMetrics();
  // A fresh folder per component: state (probe budgets, known shapes) never leaks between tests.
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'dw-test-data-'));
  const process = loadProcessSettings({ dataDir }, {});
  return {
    id,
    kind,
    pipeline: opts.pipeline,
    logger: opts.logger ?? silentLogger(),
    telemetry: createComponentTelemetry(metrics, kind, id, opts.pipeline),
    process,
    dataDir,
    sensitive: opts.sensitive ?? [],
  };
}
