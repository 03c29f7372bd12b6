// SPDX-License-Identifier: Apache-2.0
// `driftwatch run`: load → build → start → wait for signals. SIGTERM/SIGINT drain within the
// deadline and exit 0; a second signal exits at once. SIGHUP reloads, keeping the old
// pipeline when the new config is bad.
import { mkdirSync } from 'node:fs';
import { codeOf, ConfigError } from '../component/errors.js';
import { loadServiceConfig } from '../config/load.js';
import type { ServiceConfig } from '../config/load.js';
import { loadProcessSettings } from '../config/process-settings.js';
import type { ProcessSettings } from '../config/process-settings.js';
import type { Registry } from '../pipeline/registry.js';
import { Service } from '../service/service.js';
import { createLogger } from '../telemetry/logger.js';
import { endOfLifeWarning, nodeLineStatus } from '../runtime/node-line.js';
import type { Logger } from '../telemetry/logger.js';
import { registerProcessMetrics, SelfMetrics } from '../telemetry/self-metrics.js';
import { wantsPush } from '../telemetry/telemetry-config.js';
import type { CommonArgs } from './args.js';
import type { CliIO } from './io.js';
import { EXIT_OK, EXIT_RUNTIME, reportError } from './report-error.js';

export interface RunOptions {
  args: CommonArgs;
  io: CliIO;
  registry: Registry;
  /** Embedded configs (the demo) used when no --config is given. */
  inline?: Array<[string, string]>;
  /** Called once started, with what is running (the demo prints where to look). */
  onStarted?: (ctx: RunningAgent) => void | Promise<void>;
  /** Called after the service stopped (the demo stops its simulator). */
  onStopped?: () => Promise<void>;
}

export interface RunningAgent {
  service: Service;
  config: ServiceConfig;
  settings: ProcessSettings;
  logger: Logger;
}

/** service.telemetry's OTLP push (sdk-node is loaded only when a block asks for it). */
async function startTelemetryPush(cfg: ServiceConfig, metrics: SelfMetrics, logger: Logger) {
  if (!wantsPush(cfg.service.telemetry)) return undefined;
  try {
    const { TelemetryPush } = await import('../telemetry/otlp-push.js');
    const push = new TelemetryPush(cfg.service.telemetry, metrics, logger);
    push.start();
    return push;
  } catch (err) {
    // the pipelines run on: the agent's own push is not worth stopping the contract watch for
    logger.error({ err: String(err) }, 'service.telemetry: the OTLP push could not start');
    return undefined;
  }
}

const LATE = /did not stop within the shutdown deadline/;

interface LeftBehind {
  /** Waiting in the memory queue when the deadline came: dropped, counted. */
  dropped_at_shutdown: number;
  /** In flight when the deadline came: the send was cut, counted as failed. */
  failed_at_shutdown: number;
  /** Still in the sending queue (a file queue keeps them for the next start). */
  queued: number;
}

const failedSends = (metrics: SelfMetrics, id: string) =>
  metrics.sum('driftwatch_exporter_send_failed_records_total', { exporter: id });

/** Per exporter, what the shutdown left undelivered (from the exporters' own counters). */
function leftBehind(
  cfg: ServiceConfig,
  metrics: SelfMetrics,
  failedBefore: Map<string, number>,
): Record<string, LeftBehind> {
  const out: Record<string, LeftBehind> = {};
  for (const id of cfg.exporters.keys())
    out[id] = {
      dropped_at_shutdown: metrics.sum('driftwatch_component_dropped_records_total', {
        component_id: id,
        reason: 'shutdown',
      }),
      failed_at_shutdown: failedSends(metrics, id) - (failedBefore.get(id) ?? 0),
      queued: metrics.value('driftwatch_exporter_queue_size', { exporter: id }),
    };
  return out;
}

export async function runAgent(opts: RunOptions): Promise<number> {
  const { args, io } = opts;
  let settings: ProcessSettings;
  let cfg: ServiceConfig;
  const load = () =>
    loadServiceConfig({
      files: args.config,
      inline: args.config.length === 0 ? opts.inline : undefined,
      sets: args.set,
      env: io.env,
      registry: opts.registry,
    });
  try {
    settings = loadProcessSettings(
      { logLevel: args.logLevel, dataDir: args.dataDir, shutdownTimeout: args.shutdownTimeout },
      io.env,
    );
    cfg = load();
    mkdirSync(settings.dataDir, { recursive: true });
  } catch (err) {
    return reportError(io, err);
  }
  const logger = createLogger({ level: settings.logLevel });
  for (const w of cfg.warnings) logger.warn(w);
  const nodeLine = nodeLineStatus();
  const eol = endOfLifeWarning(nodeLine);
  if (eol) logger.warn({ node: process.version, end_of_life: nodeLine.endOfLife }, eol);
  const metrics = new SelfMetrics();
  registerProcessMetrics(metrics);
  const reloads = metrics.counter('driftwatch_config_reloads_total', 'Configuration reloads by result.');
  const service = new Service({ registry: opts.registry, process: settings, logger, metrics });
  try {
    await service.start(cfg);
  } catch (err) {
    await opts.onStopped?.();
    return reportError(io, err);
  }
  logger.info({ pipelines: [...cfg.service.pipelines.keys()], files: cfg.files }, 'Driftwatch started.');
  let push = await startTelemetryPush(cfg, metrics, logger);
  await opts.onStarted?.({ service, config: cfg, settings, logger });

  return new Promise<number>((resolvePromise) => {
    // Components unref their timers; without a socket (e.g. only a file receiver) the event
    // loop would empty and the agent exit at once. Stay alive until a signal stops us.
    const keepAlive = setInterval(() => {}, 1 << 30);
    let stopping = false;
    const onStop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'Second signal: exiting now without draining.');
        process.exit(EXIT_RUNTIME);
      }
      stopping = true;
      logger.info({ signal, deadline_ms: settings.shutdownTimeoutMs }, 'Shutting down: draining pipelines.');
      // Components get the deadline minus a small reserve, so what a late exporter drops when
      // its deadline passes is counted (and logged below) before the process ends.
      const reserveMs = Math.min(1_000, settings.shutdownTimeoutMs / 10);
      const failedBefore = new Map([...cfg.exporters.keys()].map((id) => [id, failedSends(metrics, id)]));
      void service
        .shutdown(settings.shutdownTimeoutMs - reserveMs)
        .then(async (errors) => {
          // after the service, so the last push carries the final counts; bounded: a dead endpoint must not hold the exit
          if (push) await Promise.race([push.shutdown(), new Promise((r) => setTimeout(r, 2000).unref())]);
          const late = errors.filter((e) => LATE.test(e.message));
          for (const e of errors)
            if (!late.includes(e))
              logger.error({ code: e.code, err: e.message }, 'Component shutdown error.');
          if (late.length > 0) {
            await new Promise((r) => setTimeout(r, Math.min(reserveMs, 200)));
            logger.warn(
              {
                deadline_ms: settings.shutdownTimeoutMs,
                late: late.map((e) => e.message.split(':')[0]),
                left: leftBehind(cfg, metrics, failedBefore),
              },
              'Shutdown deadline reached before every exporter delivered: what was left is counted as dropped (memory queue) or kept on disk (file queue, sent after the next start).',
            );
          }
          await opts.onStopped?.();
          logger.info('Driftwatch stopped.');
          cleanup();
          // A drain cut by the deadline is a normal stop (exit 0): a supervisor must not count it
          // as a failure. Only a component that failed to stop is an error.
          resolvePromise(errors.length === late.length ? EXIT_OK : EXIT_RUNTIME);
        })
        .catch((err: unknown) => {
          logger.error({ err: String(err) }, 'Shutdown failed.');
          cleanup();
          resolvePromise(EXIT_RUNTIME);
        });
    };
    const onHup = () => {
      if (stopping) return;
      let next: ServiceConfig;
      try {
        next = load();
      } catch (err) {
        const problems = (err instanceof ConfigError ? err.problems : [String(err)]).slice(0, 50);
        reloads.add(1, { result: 'failure' });
        service.host.lastReload = { at: Date.now(), ok: false, error: problems.join('; ') };
        logger.error(
          { code: codeOf(err), problems },
          'Reload refused: the new configuration is invalid; the running pipeline is unchanged.',
        );
        return;
      }
      service.reload(next).then(
        () => {
          reloads.add(1, { result: 'success' });
          if (JSON.stringify(next.service.telemetry) !== JSON.stringify(cfg.service.telemetry)) {
            const old = push;
            void (old?.shutdown() ?? Promise.resolve())
              .then(() => startTelemetryPush(next, metrics, logger))
              .then((p) => (push = p))
              .catch((err: unknown) =>
                logger.error({ err: String(err) }, 'service.telemetry: restart failed'),
              );
          }
          cfg = next;
          service.host.lastReload = { at: Date.now(), ok: true };
          logger.info({ pipelines: [...next.service.pipelines.keys()] }, 'Configuration reloaded.');
        },
        (err: unknown) => {
          reloads.add(1, { result: 'failure' });
          service.host.lastReload = { at: Date.now(), ok: false, error: (err as Error).message };
          logger.error(
            { code: codeOf(err), err: (err as Error).message },
            'Reload failed while starting new components.',
          );
        },
      );
    };
    const cleanup = () => {
      clearInterval(keepAlive);
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onHup);
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', onHup);
  });
}
