// SPDX-License-Identifier: Apache-2.0
// `driftwatch check`: pre-deploy contract tests with the same components as `run`. Builds the
// configured graph, confirms every exporter accepts a test export, runs each receiver that can
// run on demand once (or --repeat N), reads the judged records from a tap beside the exporters,
// prints a table and exits 0 (holds), 1 (drift, with --fail-on drift) or 2 (violation/error).
import { writeFileSync } from 'node:fs';
import { canRunOnce } from '../component/component.js';
import { consumerFromFn } from '../component/consumer.js';
import type { ExporterComponent } from '../component/factory.js';
import { loadServiceConfig } from '../config/load.js';
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
  const started = Date.now();
  let graph: Graph;
  let host: ServiceHost;
  const collected: CallRecord[] = [];
  try {
    const settings = headlessSettings(args, io);
    const cfg = loadServiceConfig({
      files: args.config,
      sets: args.set,
      env: io.env,
      registry,
    });
    const tap = consumerFromFn(async (batch) => void collected.push(...batch));
    ({ graph, host } = await buildHeadless(cfg, settings, registry, tap));
    await startAllButReceivers(graph, host);
  } catch (err) {
    return reportError(io, err);
  }
  const telemetry: TelemetryCheck[] = [];
  const skippedReceivers: string[] = [];
  // Components unref their timers (retry backoff, probe sleeps) so a running agent can exit; with
  // no server holding the loop, check would end silently mid-run. Hold it until the report is out.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    for (const n of graph.nodes.filter((x) => x.kind === 'exporter')) {
      const e = n.instance as ExporterComponent;
      if (!e.testExport) continue;
      try {
        await withTimeout(e.testExport(), 15_000);
        telemetry.push({ exporter: n.id, ok: true });
      } catch (err) {
        telemetry.push({ exporter: n.id, ok: false, error: (err as Error).message });
      }
    }
    for (const n of graph.nodes.filter((x) => x.kind === 'receiver')) {
      if (!canRunOnce(n.instance)) {
        skippedReceivers.push(n.id);
        continue;
      }
      await n.instance.runOnce({ repeat });
    }
  } finally {
    await graph.shutdownAll(host, Date.now() + 10_000);
    clearInterval(keepAlive);
  }
  const rows = collected.map(judgeRecord);
  const rep: CheckReport = {
    rows,
    telemetry,
    skippedReceivers,
    exitCode: 0,
    durationMs: Date.now() - started,
  };
  rep.exitCode =
    rows.length === 0
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
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(t);
  }
}
