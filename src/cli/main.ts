// SPDX-License-Identifier: Apache-2.0
// Entry point of the `driftwatch` command.
import { builtinRegistry } from '../components.js';
import type { Registry } from '../pipeline/registry.js';
import { parseCommon } from './args.js';
import { checkCommand } from './check.js';
import { checkResponseCommand } from './check-response.js';
import { componentsCommand, printConfigCommand, validateCommand } from './commands.js';
import { processIO } from './io.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, reportError } from './report-error.js';
import { demoCommand } from './demo.js';
import { replayCommand } from './replay.js';
import { runAgent } from './run.js';
import { schemaCommand } from './schema.js';
import { simulateCommand } from './simulate.js';

export const USAGE = `Usage: driftwatch <command> [options]

Commands:
  run --config FILE [--config FILE…] [--set key.path=value…]   run the agent
  check --config FILE… [--repeat N] [--fail-on drift|violation] [--junit FILE] [--json FILE]
                                                              pre-deploy contract test: run every probe once, judge, exit 0/1/2
  validate --config FILE…                                     check the configuration, report every problem, exit 2 if any
  replay [--config FILE | --format F --log-format STR] [--json] LOG…   summarise access logs (calls, classes, latency) and exit
  print-config [--config FILE…]                               show the effective configuration with secrets masked
  check-response --contract FILE BODY.json|STREAM.sse         judge a captured body or stream: exit 0 ok, 1 drift, 2 violation
  components [--json]                                         list the built-in components and their stability
  schema [--format json|markdown]                             print the JSON Schema of the config file, or the config reference
  demo [--scenario FILE]                                      the simulator plus probes of every kind (what \`npm start\` runs)
  simulate --scenario FILE [--port N] [--access-log FILE]     run the provider simulator on 127.0.0.1
  help                                                        this text

Common options:
  --log-level LEVEL        trace|debug|info|warn|error (env DRIFTWATCH_LOG_LEVEL)
  --data-dir DIR           checkpoints, queues, known shapes (env DRIFTWATCH_DATA_DIR, default ./data)
  --shutdown-timeout DUR   drain deadline on SIGTERM/SIGINT (env DRIFTWATCH_SHUTDOWN_TIMEOUT, default 10s)
`;

export interface MainOptions {
  io?: CliIO;
  registry?: Registry;
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? processIO;
  const registry = opts.registry ?? builtinRegistry();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        const args = parseCommon(rest);
        if (args.help) return usage(io);
        return await runAgent({ args, io, registry });
      }
      case 'check':
        return await checkCommand(
          parseCommon(rest, {
            repeat: { type: 'string' },
            'fail-on': { type: 'string' },
            junit: { type: 'string' },
            json: { type: 'string' },
          }),
          io,
          registry,
        );
      case 'validate':
        return validateCommand(parseCommon(rest), io, registry);
      case 'print-config':
        return printConfigCommand(parseCommon(rest), io, registry);
      case 'replay':
        return await replayCommand(rest, io, registry);
      case 'components':
        return componentsCommand(
          io,
          registry,
          parseCommon(rest, { json: { type: 'boolean' } }).values.json === true,
        );
      case 'check-response':
        return checkResponseCommand(rest, io);
      case 'schema':
        return schemaCommand(parseCommon(rest, { format: { type: 'string' } }), io, registry);
      case 'demo': {
        const args = parseCommon(rest, { scenario: { type: 'string' } });
        if (args.help) return usage(io);
        return await demoCommand(args, io, registry);
      }
      case 'simulate':
        return await simulateCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return usage(io);
      default:
        io.err(`driftwatch: unknown command "${command}"\n\n${USAGE}`);
        return EXIT_CONFIG;
    }
  } catch (err) {
    return reportError(io, err);
  }
}

function usage(io: CliIO): number {
  io.out(USAGE);
  return 0;
}
