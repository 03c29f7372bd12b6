// SPDX-License-Identifier: Apache-2.0
// `driftwatch replay --export`: the records of yesterday's logs go through the configured
// pipeline of the access_log receiver (its processors and exporters), e.g. to backfill an OTLP
// backend, while the summary is printed as usual. Built like `check`: the same graph, every
// node but the receivers started, batches acknowledged one at a time, exporters drained at the end.
import { mkdirSync } from 'node:fs';
import { newContext } from '../component/consumer.js';
import type { ServiceConfig } from '../config/load.js';
import { loadProcessSettings } from '../config/process-settings.js';
import { Graph } from '../pipeline/graph.js';
import type { Registry } from '../pipeline/registry.js';
import type { AccessLogConfig } from '../receivers/access-log/config.js';
import { replayFilesInto } from '../receivers/access-log/replay-files.js';
import type { ExportTally } from '../receivers/access-log/replay-files.js';
import type { ReplaySummary } from '../receivers/access-log/summary.js';
import { ServiceHost } from '../service/host.js';
import { createLogger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import type { CommonArgs } from './args.js';
import type { CliIO } from './io.js';

export interface ReplayThrough {
  cfg: ServiceConfig;
  receiverId: string;
  files: string[];
  config: AccessLogConfig;
  args: CommonArgs;
  io: CliIO;
  registry: Registry;
}

export async function replayThroughPipeline(
  o: ReplayThrough,
): Promise<{ summary: ReplaySummary; exported: ExportTally }> {
  const settings = loadProcessSettings(
    { logLevel: o.args.logLevel ?? 'warn', dataDir: o.args.dataDir },
    o.io.env,
  );
  mkdirSync(settings.dataDir, { recursive: true });
  const metrics = new SelfMetrics();
  const host = new ServiceHost(metrics);
  const logger = createLogger({ level: settings.logLevel });
  const graph = Graph.build(o.cfg, { registry: o.registry, process: settings, logger, metrics });
  const consumer = graph.find(`receiver:${o.receiverId}`)?.consumer;
  if (!consumer)
    throw new Error(
      `replay: the access_log receiver "${o.receiverId}" is in no pipeline of the configuration`,
    );
  // Components unref their timers so a running agent can exit; hold the loop until the end.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await graph.startAll(host, (n) => n.kind !== 'receiver');
    host.serviceState = 'running';
    return await replayFilesInto(
      o.files,
      o.config,
      (batch) => consumer.consume(batch, newContext()),
      o.receiverId,
    );
  } finally {
    await graph.shutdownAll(host, Date.now() + settings.shutdownTimeoutMs);
    clearInterval(keepAlive);
  }
}
