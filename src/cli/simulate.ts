// SPDX-License-Identifier: Apache-2.0
// `driftwatch simulate --scenario FILE [--port N] [--access-log FILE]`: runs the provider
// simulator on 127.0.0.1 until SIGINT/SIGTERM.
import { ProviderSimulator } from '../simulator/server.js';
import { loadScenarioFile } from '../simulator/scenario.js';
import type { Scenario } from '../simulator/scenario.js';
import { parseCommon } from './args.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, EXIT_OK, reportError } from './report-error.js';

export const SIMULATE_USAGE = `Usage: driftwatch simulate --scenario FILE [--port N] [--access-log FILE]
  Serves an OpenAI-compatible /v1/chat/completions on 127.0.0.1 whose latency, errors and drift
  follow the scenario (see src/simulator/README.md). Ctrl-C to stop.
`;

export async function simulateCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommon(argv, {
    scenario: { type: 'string' },
    port: { type: 'string' },
    'access-log': { type: 'string' },
  });
  if (args.help) {
    io.out(SIMULATE_USAGE);
    return EXIT_OK;
  }
  const file = args.values.scenario as string | undefined;
  const port = args.values.port === undefined ? 0 : Number(args.values.port);
  if (!file || !Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(
      `driftwatch simulate: ${!file ? '--scenario FILE is required' : '--port must be 0..65535'}\n\n${SIMULATE_USAGE}`,
    );
    return EXIT_CONFIG;
  }
  let scenario: Scenario;
  try {
    scenario = loadScenarioFile(file);
  } catch (err) {
    return reportError(io, err); // problems name the file
  }
  const accessLog = args.values['access-log'] as string | undefined;
  if (accessLog) scenario.access_log = accessLog;
  const sim = new ProviderSimulator(scenario, { port });
  const url = await sim.start();
  io.out(
    `driftwatch simulator "${scenario.name}" (seed ${scenario.seed}) listening: ${url}/chat/completions\n`,
  );
  if (scenario.access_log) io.out(`access log: ${scenario.access_log}\n`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sim.stop().then(() => {
        const served = [...sim.served.entries()].map(([m, n]) => `${m}=${n}`).join(' ');
        io.out(`simulator stopped; served ${served || 'nothing'}\n`);
        resolve(EXIT_OK);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
