// SPDX-License-Identifier: Apache-2.0
// `driftwatch check`: pre-deploy contract tests with the same components as `run`. Builds the
// configured graph, confirms every exporter accepts a test export, runs each receiver that can
// run on demand once (or --repeat N), reads the judged records from a tap beside the exporters,
// prints a table and exits 0 (holds), 1 (drift, with --fail-on drift) or 2 (violation/error).
// Every step has a deadline: each test export --export-timeout, the whole check --timeout.
import { writeFileSync } from 'node:fs';
import { canRunOnce } from '../component/component.js';
import { consumerFromFn } from '../component/consumer.js';
import type { ExporterComponent } from '../component/factory.js';
import { loadServiceConfig } from '../config/load.js';
import type { ServiceConfig } from '../config/load.js';
import type { OtlpHttpConfig } from '../exporters/otlp-http/config.js';
import { resolveTransport } from '../exporters/otlp-http/endpoint.js';
import { parseDurationMs } from '../util/duration.js';
import type { CallRecord } from '../model/call-record.js';
import type { Graph } from '../pipeline/graph.js';
import type { Registry } from '../pipeline/registry.js';
import type { ServiceHost } from '../service/host.js';
import type { CommonArgs } from './args.js';
import { renderJson, renderJunit, renderTable } from './check-report.js';
import type { CheckReport, TelemetryCheck } from './check-report.js';
import { exitCodeFor, judgeRecord } from './check-verdict.js';
import { buildHeadless, headlessSettings, startAllButReceivers } from './headless-graph.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, reportError } from './report-error.js';

/** The URL an exporter sends its test export to, for the report row (undefined when it has none). */
async function exporterTarget(
  type: string,
  config: unknown,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    if (type === 'otlp_http')
      return (await resolveTransport(config as OtlpHttpConfig, env)).signals.metrics.url;
  } catch {
    return undefined;
  }
  return undefined;
}

/** Rejects with `what` once `ms` passed; the timer is cleared when `p` settles first. */
async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => (t = setTimeout(() => rej(new DeadlineError(what)), Math.max(0, ms)))),
    ]);
  } finally {
    clearTimeout(t);
  }
}

class DeadlineError extends Error {}

const seconds = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

export async function checkCommand(args: CommonArgs, io: CliIO, registry: Registry): Promise<number> {
  const repeat = Number(args.values.repeat ?? 1);
  const failOn = String(args.values['fail-on'] ?? 'violation');
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) {
    io.err('driftwatch check: --repeat must be an integer from 1 to 100\n');
    return EXIT_CONFIG;
  }
  if (failOn !== 'drift' && failOn !== 'violation') {
    io.err('driftwatch check: --fail-on must be "drift" or "violation"\n');
    return EXIT_CONFIG;
  }
  const timeoutMs = parseDurationMs(String(args.values.timeout ?? '60s')) ?? 60_000;
  const exportTimeoutMs = parseDurationMs(String(args.values['export-timeout'] ?? '10s')) ?? 10_000;
  const started = Date.now();
  const deadline = started + timeoutMs;
  // The last part of the budget is kept for stopping (queues and shapes saved), so the whole
  // check, shutdown included, ends by --timeout.
  const stopReserveMs = Math.min(2_000, timeoutMs / 10);
  const workDeadline = deadline - stopReserveMs;
  const left = () => workDeadline - Date.now();
  let graph: Graph;
  let host: ServiceHost;
  let cfg: ServiceConfig;
  const collected: CallRecord[] = [];
  const problems: string[] = [];
  // Components unref their timers (retry backoff, probe sleeps) so a running agent can exit; with
  // no server holding the loop, check would end silently mid-run. Hold it until the report is out.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    try {
      const settings = headlessSettings(args, io);
      cfg = loadServiceConfig({ files: args.config, sets: args.set, env: io.env, registry });
      const tap = consumerFromFn(async (batch) => void collected.push(...batch));
      ({ graph, host } = await buildHeadless(cfg, settings, registry, tap));
      await withTimeout(
        startAllButReceivers(graph, host),
        left(),
        `starting the exporters and extensions took longer than --timeout ${seconds(timeoutMs)}`,
      );
    } catch (err) {
      if (err instanceof DeadlineError) {
        io.err(`driftwatch check: ${err.message}\n`);
        return EXIT_CONFIG;
      }
      return reportError(io, err);
    }
    const telemetry: TelemetryCheck[] = [];
    const skippedReceivers: string[] = [];
    try {
      // Test exports in parallel, each within --export-timeout (and the whole check's deadline).
      const exporters = graph.nodes.filter((x) => x.kind === 'exporter');
      const results = await Promise.all(
        exporters.map(async (n): Promise<TelemetryCheck | undefined> => {
          const e = n.instance as ExporterComponent;
          if (!e.testExport) return undefined;
          const c = cfg.exporters.get(n.id);
          const url = c ? await exporterTarget(c.type, c.config, io.env) : undefined;
          const to = url ? ` to ${url}` : '';
          const ms = Math.min(exportTimeoutMs, left());
          try {
            await withTimeout(e.testExport(), ms, `no answer${to} within ${seconds(ms)}`);
            return { exporter: n.id, ok: true, ...(url ? { url } : {}) };
          } catch (err) {
            const msg = (err as Error).message.replace(`${n.id}: `, '');
            return {
              exporter: n.id,
              ok: false,
              ...(url ? { url } : {}),
              error: err instanceof DeadlineError || !url || msg.includes(url) ? msg : `${msg}${to}`,
            };
          }
        }),
      );
      for (const r of results) if (r) telemetry.push(r);
      // An exporter that cannot deliver would hold every probe's acknowledgement until its retry
      // budget runs out: stop it now (what it holds is counted as dropped), the probes still run.
      for (const t of telemetry.filter((x) => !x.ok)) {
        const n = exporters.find((x) => x.id === t.exporter)!;
        await graph.shutdownAll(host, Date.now() + 500, (x) => x === n).catch(() => undefined);
      }
      const abort = new AbortController();
      for (const n of graph.nodes.filter((x) => x.kind === 'receiver')) {
        if (!canRunOnce(n.instance)) {
          skippedReceivers.push(n.id);
          continue;
        }
        if (left() <= 0) {
          problems.push(`receiver ${n.id}: not run, --timeout ${seconds(timeoutMs)} was spent`);
          continue;
        }
        try {
          await withTimeout(
            n.instance.runOnce({ repeat, signal: abort.signal }),
            left(),
            `receiver ${n.id}: probes not finished within --timeout ${seconds(timeoutMs)}`,
          );
        } catch (err) {
          if (!(err instanceof DeadlineError)) throw err;
          abort.abort();
          problems.push(err.message);
        }
      }
    } finally {
      await graph.shutdownAll(host, Math.max(Date.now() + 250, deadline));
    }
    const rows = collected.map(judgeRecord);
    const rep: CheckReport = {
      rows,
      telemetry,
      skippedReceivers,
      problems,
      exitCode: 0,
      durationMs: Date.now() - started,
    };
    rep.exitCode =
      rows.length === 0 || problems.length > 0
        ? 2
        : exitCodeFor(
            rows,
            failOn === 'drift',
            telemetry.some((t) => !t.ok),
          );
    io.out(renderTable(rep));
    if (rows.length === 0)
      io.err('driftwatch check: no receiver produced a result (configure a probe receiver)\n');
    if (typeof args.values.json === 'string') writeFileSync(args.values.json, renderJson(rep));
    if (typeof args.values.junit === 'string') writeFileSync(args.values.junit, renderJunit(rep));
    return rep.exitCode;
  } finally {
    clearInterval(keepAlive);
  }
}
