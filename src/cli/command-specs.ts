// SPDX-License-Identifier: Apache-2.0
// Every command the CLI knows, with its options, defaults and an example: one table that the
// parser, `help CMD` / `CMD --help`, the did-you-mean suggestions and the README test all read,
// so the help can never drift from what the parser accepts.

export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in usage (`FILE`, `N`). */
  value?: string;
  description: string;
  default?: string;
  /** Values the option accepts (did-you-mean on a miss). */
  choices?: readonly string[];
  /** `duration`: 500ms, 10s, 1m30s (a bare number is refused); `integer` within min..max. */
  check?: { kind: 'duration' } | { kind: 'integer'; min: number; max: number };
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** One line after `Usage: driftwatch `. */
  synopsis: string;
  /** Paragraphs after the usage line. */
  details?: string;
  options: OptionSpec[];
  /** Positional arguments: none unless given. */
  positionals?: {
    name: string;
    min: number;
    max?: number;
    /** `min` does not apply when this option is given (replay --config reads its include). */
    unless?: string;
  };
  /** Options that must be given (by name). */
  required?: string[];
  examples: string[];
  /** Exit codes the command documents. */
  exitCodes: string;
  /** The exit code of an argument mistake (check-response's 2 already means "violation"). */
  usageExit?: number;
}

const CONFIG: OptionSpec = {
  name: 'config',
  short: 'c',
  type: 'string',
  multiple: true,
  value: 'FILE',
  description: 'pipeline YAML file; repeat to deep-merge several (later files win)',
};
const SET: OptionSpec = {
  name: 'set',
  type: 'string',
  multiple: true,
  value: 'KEY=VALUE',
  description: 'override one key, e.g. receivers.probe/cometapi.model=gpt-4o (`::` when a key has a dot)',
};
const LOG_LEVEL: OptionSpec = {
  name: 'log-level',
  type: 'string',
  value: 'LEVEL',
  description: 'trace|debug|info|warn|error|fatal|silent (env DRIFTWATCH_LOG_LEVEL)',
  default: 'info',
  choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
};
const DATA_DIR: OptionSpec = {
  name: 'data-dir',
  type: 'string',
  value: 'DIR',
  description: 'checkpoints, queues, known shapes, probe budgets (env DRIFTWATCH_DATA_DIR)',
  default: './data',
};
const SHUTDOWN: OptionSpec = {
  name: 'shutdown-timeout',
  type: 'string',
  value: 'DURATION',
  description: 'drain deadline on SIGTERM/SIGINT, e.g. 10s (env DRIFTWATCH_SHUTDOWN_TIMEOUT)',
  default: '10s',
  check: { kind: 'duration' },
};
const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

const RUN_EXIT =
  '0 stopped cleanly (SIGTERM/SIGINT, also when the drain deadline left records behind: they are\n' +
  '  logged and counted), 1 a component failed at start or a second signal, 2 a configuration or\n' +
  '  argument mistake';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'run the agent',
    synopsis: 'run --config FILE [--config FILE…] [--set KEY=VALUE…] [options]',
    details:
      'Loads and validates the configuration, starts every pipeline and runs until SIGTERM/SIGINT\n' +
      '(drain within --shutdown-timeout, exit 0; a second signal exits at once with 1). SIGHUP reloads\n' +
      'the configuration, keeping the running pipeline when the new one is invalid. Logs are JSON on stderr.',
    options: [CONFIG, SET, LOG_LEVEL, DATA_DIR, SHUTDOWN, HELP],
    required: ['config'],
    examples: ['driftwatch run --config pipelines/cometapi.yaml --data-dir /var/lib/driftwatch'],
    exitCodes: RUN_EXIT,
  },
  {
    name: 'demo',
    summary: 'the simulator plus probes of every kind (what `npm start` runs)',
    synopsis: 'demo [--scenario FILE] [--set KEY=VALUE…] [options]',
    details:
      'Starts the provider simulator on 127.0.0.1 with a scenario that drifts every few minutes, runs\n' +
      'the embedded demo pipeline against it and prints where to look (status page, health, metrics).',
    options: [
      {
        name: 'scenario',
        type: 'string',
        value: 'FILE',
        description: 'simulator scenario (src/simulator/README.md)',
        default: 'config/scenarios/demo.yaml',
      },
      SET,
      LOG_LEVEL,
      DATA_DIR,
      SHUTDOWN,
      HELP,
    ],
    examples: ['driftwatch demo --set extensions.health_check.endpoint=127.0.0.1:14133'],
    exitCodes: RUN_EXIT,
  },
  {
    name: 'check',
    summary: 'pre-deploy contract test: run every probe once, judge, exit 0/1/2',
    synopsis:
      'check --config FILE… [--repeat N] [--fail-on drift|violation] [--timeout DURATION] [--junit FILE] [--json FILE]',
    details:
      'Builds the same pipeline as `run`, sends each exporter a test export (an exporter that cannot\n' +
      'deliver fails its row within --export-timeout, naming the URL it tried), runs every probe once\n' +
      'and prints a table. Every step has a deadline; --timeout bounds the whole check.',
    options: [
      CONFIG,
      SET,
      {
        name: 'repeat',
        type: 'string',
        value: 'N',
        description: 'run each probe N times (1-100)',
        default: '1',
        check: { kind: 'integer', min: 1, max: 100 },
      },
      {
        name: 'fail-on',
        type: 'string',
        value: 'drift|violation',
        description: 'the lowest outcome that fails the check (exit 1 for drift)',
        default: 'violation',
        choices: ['drift', 'violation'],
      },
      {
        name: 'timeout',
        type: 'string',
        value: 'DURATION',
        description: 'deadline for the whole check; what has not answered by then fails',
        default: '60s',
        check: { kind: 'duration' },
      },
      {
        name: 'export-timeout',
        type: 'string',
        value: 'DURATION',
        description: 'deadline for each exporter’s test export',
        default: '10s',
        check: { kind: 'duration' },
      },
      { name: 'junit', type: 'string', value: 'FILE', description: 'write a JUnit XML report' },
      { name: 'json', type: 'string', value: 'FILE', description: 'write a JSON report' },
      { ...LOG_LEVEL, default: 'warn' },
      DATA_DIR,
      HELP,
    ],
    required: ['config'],
    examples: [
      'driftwatch check --config pipelines/cometapi.yaml --fail-on drift --junit reports/driftwatch.xml',
    ],
    exitCodes:
      '0 the contract holds, 1 drift (with --fail-on drift), 2 a violation, an error, an exporter that\n' +
      '  cannot deliver, the --timeout passed, or a configuration or argument mistake',
  },
  {
    name: 'validate',
    summary: 'check the configuration, report every problem, exit 2 if any',
    synopsis: 'validate --config FILE… [--set KEY=VALUE…]',
    details:
      'Reports every problem at once (at most 50, then "and N more"), each with file:line:column, the\n' +
      'key path and, for misspellings, a suggestion. Nothing is started.',
    options: [CONFIG, SET, HELP],
    required: ['config'],
    examples: ['driftwatch validate --config pipelines/cometapi.yaml'],
    exitCodes: '0 valid, 2 invalid or an argument mistake',
  },
  {
    name: 'print-config',
    summary: 'show the effective configuration, defaults applied, secrets masked',
    synopsis: 'print-config --config FILE… [--set KEY=VALUE…]',
    options: [CONFIG, SET, HELP],
    required: ['config'],
    examples: [
      'driftwatch print-config --config pipelines/cometapi.yaml --set exporters.debug.verbosity=detailed',
    ],
    exitCodes: '0 printed, 2 invalid configuration or an argument mistake',
  },
  {
    name: 'check-response',
    summary: 'judge a captured body or stream offline: exit 0 ok, 1 drift, 2 violation',
    synopsis:
      'check-response --contract FILE [--status N] [--stream] [--include-usage] [--max-tokens N] [--json] CAPTURE…',
    details:
      'A capture is a bare body (JSON or an SSE stream) or an HTTP transcript saved with `curl -i` /\n' +
      '`curl -i -N`: its status and headers (Retry-After, content-type) are used. With several files:\n' +
      'one line per file and a summary; --json prints one JSON object per line (with a "file" field).',
    options: [
      { name: 'contract', type: 'string', value: 'FILE', description: 'contract file to judge against' },
      {
        name: 'status',
        type: 'string',
        value: 'N',
        description: 'HTTP status of the capture (overrides a transcript’s)',
        default: '200',
        check: { kind: 'integer', min: 100, max: 599 },
      },
      { name: 'stream', type: 'boolean', description: 'treat the capture as an SSE stream' },
      { name: 'include-usage', type: 'boolean', description: 'the request asked for stream usage' },
      {
        name: 'max-tokens',
        type: 'string',
        value: 'N',
        description: 'the request’s max_tokens',
        check: { kind: 'integer', min: 1, max: 10_000_000 },
      },
      { name: 'json', type: 'boolean', description: 'one JSON object per file' },
      HELP,
    ],
    positionals: { name: 'CAPTURE', min: 1 },
    required: ['contract'],
    examples: [
      'driftwatch check-response --contract config/contracts/cometapi-chat-completions.yaml body.json',
    ],
    exitCodes:
      'the worst of all files: 0 ok, 1 drift, 2 violation, 3 unreadable input or an argument mistake',
    usageExit: 3,
  },
  {
    name: 'replay',
    summary: 'summarise access logs (calls, classes, latency) and exit',
    synopsis:
      'replay [--config FILE [--receiver ID] [--export] | --format F [--log-format STR]] [--json] LOG…',
    details:
      'Reads each log from beginning to end and prints a contract-health summary. The parser comes\n' +
      'from --format/--log-format or from the access_log receiver of a --config file (whose `include`\n' +
      'is read when no LOG is given); --export sends the records through that configuration’s pipeline.',
    options: [
      CONFIG,
      SET,
      {
        name: 'format',
        type: 'string',
        value: 'FORMAT',
        description: 'log format (as the access_log receiver’s `format`)',
        default: 'nginx',
      },
      {
        name: 'log-format',
        type: 'string',
        value: 'STR',
        description: 'nginx log_format string of the file',
      },
      { name: 'escape', type: 'string', value: 'MODE', description: 'nginx escape= of the log_format' },
      { name: 'regex', type: 'string', value: 'RE', description: 'named-group regex (with --format regex)' },
      { name: 'receiver', type: 'string', value: 'ID', description: 'which access_log receiver of --config' },
      { name: 'export', type: 'boolean', description: 'send the records through the --config pipeline' },
      { name: 'json', type: 'boolean', description: 'print the summary as JSON' },
      { ...LOG_LEVEL, default: 'warn' },
      DATA_DIR,
      HELP,
    ],
    positionals: { name: 'LOG', min: 1, unless: 'config' },
    examples: ['driftwatch replay --json /var/log/nginx/access.log.1'],
    exitCodes:
      '0 summarised, 1 records refused downstream (--export), 2 unreadable file or an argument mistake',
  },
  {
    name: 'simulate',
    summary: 'run the provider simulator on 127.0.0.1',
    synopsis: 'simulate --scenario FILE [--port N] [--access-log FILE]',
    details:
      'Serves an OpenAI-compatible /v1/chat/completions on 127.0.0.1 whose latency, errors and drift\n' +
      'follow the scenario (see src/simulator/README.md). Ctrl-C to stop.',
    options: [
      { name: 'scenario', type: 'string', value: 'FILE', description: 'scenario file' },
      {
        name: 'port',
        type: 'string',
        value: 'N',
        description: 'port to listen on (0 = any free port)',
        default: '0',
        check: { kind: 'integer', min: 0, max: 65535 },
      },
      {
        name: 'access-log',
        type: 'string',
        value: 'FILE',
        description: 'also write an nginx-style access log',
      },
      HELP,
    ],
    required: ['scenario'],
    examples: ['driftwatch simulate --scenario config/scenarios/demo.yaml --port 8080'],
    exitCodes: '0 stopped by a signal, 2 an unreadable scenario or an argument mistake',
  },
  {
    name: 'schema',
    summary: 'print the JSON Schema of the config file, or the config reference',
    synopsis: 'schema [--format json|markdown]',
    options: [
      {
        name: 'format',
        type: 'string',
        value: 'json|markdown',
        description: 'JSON Schema for editors, or the Markdown reference',
        default: 'json',
        choices: ['json', 'markdown'],
      },
      HELP,
    ],
    examples: ['driftwatch schema > config/driftwatch.schema.json'],
    exitCodes: '0 printed, 2 an argument mistake',
  },
  {
    name: 'components',
    summary: 'list the built-in components and their stability',
    synopsis: 'components [--json]',
    options: [{ name: 'json', type: 'boolean', description: 'print JSON' }, HELP],
    examples: ['driftwatch components --json'],
    exitCodes: '0 printed, 2 an argument mistake',
  },
  {
    name: 'version',
    summary: 'print the version, the Node.js line and the build commit',
    synopsis: 'version [--json]   (also --version, -V)',
    options: [{ name: 'json', type: 'boolean', description: 'print JSON' }, HELP],
    examples: ['driftwatch version --json'],
    exitCodes: '0 printed, 2 an argument mistake',
  },
  {
    name: 'help',
    summary: 'list the commands, or show one command’s help',
    synopsis: 'help [COMMAND]',
    options: [HELP],
    positionals: { name: 'COMMAND', min: 0, max: 1 },
    examples: ['driftwatch help check'],
    exitCodes: '0 printed, 2 an unknown command',
  },
];

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
