// SPDX-License-Identifier: Apache-2.0
// The configured graph for commands that feed it themselves (`check`, `replay --export`):
// process settings as `run` reads them (log level `warn` unless given), every node built, and
// every node but the receivers started.
import { mkdirSync } from 'node:fs';
import type { Consumer } from '../component/consumer.js';
import type { ServiceConfig } from '../config/load.js';
import { loadProcessSettings } from '../config/process-settings.js';
import type { ProcessSettings } from '../config/process-settings.js';
import { Graph } from '../pipeline/graph.js';
import type { Registry } from '../pipeline/registry.js';
import { ServiceHost } from '../service/host.js';
import { createLogger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import type { CommonArgs } from './args.js';
import type { CliIO } from './io.js';

/** Process settings from the flags and environment, with the data directory created. */
export function headlessSettings(args: CommonArgs, io: CliIO): ProcessSettings {
  const settings = loadProcessSettings({ logLevel: args.logLevel ?? 'warn', dataDir: args.dataDir }, io.env);
  mkdirSync(settings.dataDir, { recursive: true });
  return settings;
}

/** `tap`, when given, receives every batch beside the exporters (see Graph.build). */
export async function buildHeadless(
  cfg: ServiceConfig,
  settings: ProcessSettings,
  registry: Registry,
  tap?: Consumer,
): Promise<{ graph: Graph; host: ServiceHost }> {
  const metrics = new SelfMetrics();
  const host = new ServiceHost(metrics);
  const logger = createLogger({ level: settings.logLevel });
  const graph = await Graph.build(cfg, { registry, process: settings, logger, metrics }, undefined, tap);
  return { graph, host };
}

/** Starts every node but the receivers; the caller feeds the pipelines. */
export async function startAllButReceivers(graph: Graph, host: ServiceHost): Promise<void> {
  await graph.startAll(host, (n) => n.kind !== 'receiver');
  host.serviceState = 'running';
}
