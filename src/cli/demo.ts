// SPDX-License-Identifier: Apache-2.0
// `driftwatch demo` (what `npm start` runs): starts the provider simulator on 127.0.0.1 with a
// scenario that drifts every few minutes, runs the embedded demo pipeline against it (probes of
// every kind → debug exporter, health endpoint), says where to look, and stops the simulator
// when the agent stops.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ServiceConfig } from '../config/load.js';
import type { HealthCheckExtension } from '../extensions/health-check/health-check.js';
import type { Registry } from '../pipeline/registry.js';
import { ProviderSimulator } from '../simulator/server.js';
import { loadScenarioFile } from '../simulator/scenario.js';
import type { CommonArgs } from './args.js';
import { demoConfigYaml, demoOtlpSignals } from './demo-config.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import { runAgent } from './run.js';
import { isUsageError, UsageError } from './usage-error.js';
import { cut } from './args.js';

/** The demo scenario shipped with the package (config/scenarios/demo.yaml). */
export const DEMO_SCENARIO = fileURLToPath(new URL('../../config/scenarios/demo.yaml', import.meta.url));

/** 127.0.0.1:9464 (Prometheus exporter's usual port) when free, else any free loopback port, so a
 * second demo or a local Prometheus exporter does not stop `npm start`. */
async function demoPrometheusEndpoint(): Promise<string> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(undefined));
      s.listen(port, '127.0.0.1', () => {
        const got = (s.address() as AddressInfo).port;
        s.close(() => resolve(got));
      });
    });
  const port = (await tryListen(9464)) ?? (await tryListen(0)) ?? 9464;
  return `127.0.0.1:${port}`;
}

/** A scenario the user named that cannot be read is an argument mistake (exit 2), not a crash. */
function readScenario(file: string) {
  try {
    return loadScenarioFile(file);
  } catch (err) {
    const problems = (err as { problems?: string[] }).problems;
    const first = problems?.[0] ?? (err as Error).message.split('\n')[0];
    const more = problems && problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new UsageError(`${cut(first, 200)}${more}`, 'demo');
  }
}

/** Where the health endpoint really listens (port 0 resolved), for URLs that work when clicked. */
function healthAddress(config: ServiceConfig, ext: unknown): { endpoint: string } | undefined {
  const configured = (config.extensions.get('health_check')?.config as { endpoint?: string } | undefined)
    ?.endpoint;
  if (!configured) return undefined;
  const bound = (ext as Partial<HealthCheckExtension> | undefined)?.address?.();
  if (!bound) return { endpoint: configured };
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  // A wildcard bind is reachable on loopback: print that, not 0.0.0.0.
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
  return { endpoint: `${shown}:${bound.port}` };
}

export async function demoCommand(args: CommonArgs, io: CliIO, registry: Registry): Promise<number> {
  const scenarioFile = (args.values.scenario as string | undefined) ?? DEMO_SCENARIO;
  let sim: ProviderSimulator;
  let baseUrl: string;
  let prometheusEndpoint: string;
  try {
    sim = new ProviderSimulator(readScenario(scenarioFile));
    baseUrl = await sim.start();
    prometheusEndpoint = await demoPrometheusEndpoint();
  } catch (err) {
    if (isUsageError(err)) throw err;
    return reportError(io, err);
  }
  const otlpSignals = demoOtlpSignals(io.env);
  let stopped = false;
  const stopSim = async () => {
    if (stopped) return;
    stopped = true;
    await sim.stop();
  };
  return runAgent({
    args,
    io,
    registry,
    inline: [
      [
        'demo-config (embedded, src/cli/demo-config.ts)',
        demoConfigYaml(baseUrl, {
          prometheusEndpoint,
          otlp: otlpSignals,
        }),
      ],
    ],
    onStarted: ({ config, settings, service }) => {
      const health = healthAddress(config, service.host.getExtension('health_check'));
      io.out(
        [
          '',
          'driftwatch demo',
          `  simulator   ${baseUrl}/chat/completions  (scenario ${sim.scenario.name}: ${scenarioFile})`,
          '              errors at small rates; a drift window opens every few minutes (usage null, HTML 200,',
          '              stream cut, renamed field, new field): watch the records change.',
          `  probes      chat (small + large prompt), chat_stream, usage, invalid_request, timeout_boundary`,
          `  output      one debug line per probe record below; agent logs (JSON) go to stderr`,
          ...(health?.endpoint
            ? [
                `  status      http://${health.endpoint}/status  (contract health; /status.json for scripts)`,
                `  health      http://${health.endpoint}/healthz  (also /; self-metrics at http://${health.endpoint}/metrics)`,
              ]
            : []),
          `  prometheus  http://${prometheusEndpoint}/metrics  (contract and GenAI metrics)`,
          otlpSignals.length > 0
            ? `  otlp        ${otlpSignals.join(', ')} to the OTEL_EXPORTER_OTLP_* endpoints`
            : '',
          `  data dir    ${settings.dataDir}`,
          '  real API    driftwatch run --config pipelines/cometapi.yaml  (needs COMETAPI_API_KEY)',
          '  stop        Ctrl-C',
          '',
        ]
          .filter((l) => l !== '')
          .join('\n') + '\n\n',
      );
    },
    onStopped: stopSim,
  }).finally(stopSim);
}
