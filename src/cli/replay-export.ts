// SPDX-License-Identifier: Apache-2.0
// `driftwatch replay --export`: the records of yesterday's logs go through the configured
// pipeline of the access_log receiver (its processors and exporters), e.g. to backfill an OTLP
// backend, while the summary is printed as usual. Built like `check`: the same graph, every
// node but the receivers started, batches acknowledged one at a time, exporters drained at the end.
import { ConfigError } from '../component/errors.js';
import { newContext } from '../component/consumer.js';
import type { ServiceConfig } from '../config/load.js';
import type { Registry } from '../pipeline/registry.js';
import type { AccessLogConfig } from '../receivers/access-log/config.js';
import { replayFilesInto } from '../receivers/access-log/replay-files.js';
import type { ExportTally } from '../receivers/access-log/replay-files.js';
import type { ReplaySummary } from '../receivers/access-log/summary.js';
import type { CommonArgs } from './args.js';
import { buildHeadless, headlessSettings, startAllButReceivers } from './headless-graph.js';
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
  const settings = headlessSettings(o.args, o.io);
  const { graph, host } = await buildHeadless(o.cfg, settings, o.registry);
  const consumer = graph.find(`receiver:${o.receiverId}`)?.consumer;
  if (!consumer)
    throw new ConfigError([
      `replay: the access_log receiver "${o.receiverId}" is in no pipeline of the configuration`,
    ]);
  // Components unref their timers so a running agent can exit; hold the loop until the end.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await startAllButReceivers(graph, host);
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
