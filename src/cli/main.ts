// SPDX-License-Identifier: Apache-2.0
// Entry point of the `driftwatch` command.
// Commands and the component registry are imported when used: loading every component (OTel SDK,
// undici, schemas…) costs ~0.8 CPU-s and ~35 MiB, which `replay` and `simulate` do not need.
// The command table (command-specs.ts) drives parsing, help and did-you-mean.
import type { Registry } from '../pipeline/registry.js';
import { closest } from '../util/suggest.js';
import { cut, parseFor } from './args.js';
import type { CommonArgs } from './args.js';
import { commandSpec, COMMANDS } from './command-specs.js';
import type { CommandSpec } from './command-specs.js';
import { commandHelp, overviewHelp, usageLine } from './help.js';
import { processIO } from './io.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, reportError } from './report-error.js';
import { isUsageError, UsageError } from './usage-error.js';
// replay is light (parsers + ajv) and stays static.
import { replayCommand } from './replay.js';

/** The overview (`driftwatch help`); kept as a constant for callers that print it. */
export const USAGE = overviewHelp();

export interface MainOptions {
  io?: CliIO;
  registry?: Registry;
}

type Handler = (ctx: {
  args: CommonArgs;
  rest: string[];
  io: CliIO;
  registry: () => Promise<Registry>;
}) => Promise<number> | number;

const HANDLERS: Record<string, Handler> = {
  run: async ({ args, io, registry }) =>
    (await import('./run.js')).runAgent({ args, io, registry: await registry() }),
  demo: async ({ args, io, registry }) => (await import('./demo.js')).demoCommand(args, io, await registry()),
  check: async ({ args, io, registry }) =>
    (await import('./check.js')).checkCommand(args, io, await registry()),
  validate: async ({ args, io, registry }) =>
    (await import('./commands.js')).validateCommand(args, io, await registry()),
  'print-config': async ({ args, io, registry }) =>
    (await import('./commands.js')).printConfigCommand(args, io, await registry()),
  'check-response': async ({ rest, io, registry }) =>
    (await import('./check-response.js')).checkResponseCommand(rest, io, await registry()),
  replay: ({ rest, io, registry }) => replayCommand(rest, io, registry),
  simulate: async ({ rest, io }) => (await import('./simulate.js')).simulateCommand(rest, io),
  schema: async ({ args, io, registry }) =>
    (await import('./schema.js')).schemaCommand(args, io, await registry()),
  components: async ({ args, io, registry }) =>
    (await import('./commands.js')).componentsCommand(io, await registry(), args.values.json === true),
  version: async ({ args, io }) =>
    (await import('./version.js')).versionCommand(io, args.values.json === true),
  help: ({ args, io }) => helpCommand(args.positionals[0], io),
};

const VERSION_FLAGS = ['--version', '-V'];
const HELP_FLAGS = ['--help', '-h'];

/** `--help` / `-h` anywhere before `--` asks for help, whatever else is on the line (like git). */
function asksForHelp(rest: string[]): boolean {
  const end = rest.indexOf('--');
  return (end < 0 ? rest : rest.slice(0, end)).some((a) => HELP_FLAGS.includes(a));
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? processIO;
  let built: Registry | undefined = opts.registry;
  const registry = async (): Promise<Registry> =>
    (built ??= (await import('../components.js')).builtinRegistry());
  const [first, ...rest] = argv;
  if (first === undefined || HELP_FLAGS.includes(first)) {
    io.out(overviewHelp());
    return 0;
  }
  const command = VERSION_FLAGS.includes(first) ? 'version' : first;
  const spec = commandSpec(command);
  try {
    if (!spec) throw unknownCommand(command);
    if (asksForHelp(rest)) {
      io.out(commandHelp(spec));
      return 0;
    }
    const args = parseFor(spec, rest);
    return await HANDLERS[spec.name]({ args, rest, io, registry });
  } catch (err) {
    if (isUsageError(err)) return usageError(io, err);
    return reportError(io, err);
  }
}

function unknownCommand(command: string): UsageError {
  if (command.startsWith('-')) {
    const guess = closest(command.replace(/^-+/, ''), ['help', 'version']);
    return new UsageError(
      `unknown option ${cut(command)} before the command${guess ? ` (did you mean --${guess}?)` : ''}`,
    );
  }
  const names = COMMANDS.map((c) => c.name);
  const guess = closest(command, names);
  return new UsageError(`unknown command "${cut(command)}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
}

function helpCommand(topic: string | undefined, io: CliIO): number {
  if (topic === undefined) {
    io.out(overviewHelp());
    return 0;
  }
  const spec = commandSpec(topic);
  if (!spec) throw unknownCommand(topic);
  io.out(commandHelp(spec));
  return 0;
}

/** One line, the command's usage, where to read more; exit 2 (check-response: 3). */
function usageError(io: CliIO, err: UsageError): number {
  const spec: CommandSpec | undefined = err.command ? commandSpec(err.command) : undefined;
  if (!spec) {
    io.err(
      `driftwatch: ${err.message}\n\nUsage: driftwatch <command> [options]\n` +
        `Commands: ${COMMANDS.map((c) => c.name).join(', ')}\nRun "driftwatch help" for what each does.\n`,
    );
    return EXIT_CONFIG;
  }
  io.err(
    `driftwatch ${spec.name}: ${err.message}\n\n${usageLine(spec)}\n` +
      `Run "driftwatch ${spec.name} --help" for every option and an example.\n`,
  );
  return spec.usageExit ?? EXIT_CONFIG;
}
