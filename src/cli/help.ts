// SPDX-License-Identifier: Apache-2.0
// Help text rendered from the command table: the overview (`driftwatch help`) and one command's
// page (`driftwatch help CMD`, `CMD --help`): usage, options with defaults, exit codes, an example.
import { COMMANDS } from './command-specs.js';
import type { CommandSpec, OptionSpec } from './command-specs.js';

function flag(o: OptionSpec): string {
  const long = `--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

export function usageLine(spec: CommandSpec): string {
  return `Usage: driftwatch ${spec.synopsis}`;
}

export function commandHelp(spec: CommandSpec): string {
  const width = Math.max(...spec.options.map((o) => flag(o).length));
  const opts = spec.options.map((o) => {
    const extra = [o.multiple ? 'repeatable' : '', o.default !== undefined ? `default ${o.default}` : '']
      .filter(Boolean)
      .join('; ');
    return `  ${flag(o).padEnd(width)}  ${o.description}${extra ? ` (${extra})` : ''}`;
  });
  const required = spec.required?.length
    ? `\nRequired: ${spec.required.map((r) => `--${r}`).join(', ')}\n`
    : '';
  return [
    `${usageLine(spec)}\n`,
    `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.\n`,
    spec.details ? `${spec.details}\n` : '',
    `Options:\n${opts.join('\n')}\n`,
    required,
    `Exit codes: ${spec.exitCodes}\n`,
    `Example:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function overviewHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return (
    'Usage: driftwatch <command> [options]\n\n' +
    'Watches the contract of LLM chat-completions APIs and ships contract-drift signals to OTLP backends.\n\n' +
    `Commands:\n${rows.join('\n')}\n\n` +
    'Global flags:\n  -h, --help      this text (`driftwatch help COMMAND` or `COMMAND --help` for one command)\n' +
    '  -V, --version   the version, the Node.js line and the build commit\n\n' +
    'Example:\n  driftwatch validate --config pipelines/cometapi.yaml\n'
  );
}
