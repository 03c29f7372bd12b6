// SPDX-License-Identifier: Apache-2.0
// Entry point of the `driftwatch` command.
// Commands and the component registry are imported when used: loading every component (OTel SDK,
// undici, schemas…) costs ~0.8 CPU-s and ~35 MiB, which `replay` and `simulate` do not need.
import type { Registry } from '../pipeline/registry.js';
import { parseCommon } from './args.js';
import { processIO } from './io.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, reportError } from './report-error.js';
// replay is light (parsers + ajv) and stays static.
import { replayCommand } from './replay.js';

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
  let built: Registry | undefined = opts.registry;
  const lazyRegistry = async (): Promise<Registry> =>
    (built ??= (await import('../components.js')).builtinRegistry());
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        const args = parseCommon(rest);
        if (args.help) return usage(io);
        return await (await import('./run.js')).runAgent({ args, io, registry: await lazyRegistry() });
      }
      case 'check':
        return await (
          await import('./check.js')
        ).checkCommand(
          parseCommon(rest, {
            repeat: { type: 'string' },
            'fail-on': { type: 'string' },
            junit: { type: 'string' },
            json: { type: 'string' },
          }),
          io,
          await lazyRegistry(),
        );
      case 'validate':
        return (await import('./commands.js')).validateCommand(parseCommon(rest), io, await lazyRegistry());
      case 'print-config':
        return (await import('./commands.js')).printConfigCommand(
          parseCommon(rest),
          io,
          await lazyRegistry(),
        );
      case 'replay':
        return await replayCommand(rest, io, lazyRegistry);
      case 'components':
        return (await import('./commands.js')).componentsCommand(
          io,
          await lazyRegistry(),
          parseCommon(rest, { json: { type: 'boolean' } }).values.json === true,
        );
      case 'check-response':
        return (await import('./check-response.js')).checkResponseCommand(rest, io);
      case 'schema':
        return (await import('./schema.js')).schemaCommand(
          parseCommon(rest, { format: { type: 'string' } }),
          io,
          await lazyRegistry(),
        );
      case 'demo': {
        const args = parseCommon(rest, { scenario: { type: 'string' } });
        if (args.help) return usage(io);
        return await (await import('./demo.js')).demoCommand(args, io, await lazyRegistry());
      }
      case 'simulate':
        return await (await import('./simulate.js')).simulateCommand(rest, io);
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
