// SPDX-License-Identifier: Apache-2.0
// Command-line parsing with node:util parseArgs (no dependency needed for this much). Node's
// own messages ("Unknown option '--confg'. To specify a positional argument…") are replaced by
// one line in the project's voice with a did-you-mean, raised as a UsageError.
import { parseArgs } from 'node:util';
import { bareNumberHint, isBareNumber, parseDurationMs } from '../util/duration.js';
import { closest } from '../util/suggest.js';
import type { CommandSpec, OptionSpec } from './command-specs.js';
import { UsageError } from './usage-error.js';

export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c', multiple: true },
  set: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  'data-dir': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CommonArgs {
  config: string[];
  set: string[];
  logLevel?: string;
  dataDir?: string;
  shutdownTimeout?: string;
  help: boolean;
  positionals: string[];
  values: Record<string, unknown>;
}

type ParseOptions = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string; value?: string }
>;

/** `-config`: one dash on a long name would parse as `-c onfig`; refuse it before parseArgs does. */
function singleDashLong(argv: string[], options: ParseOptions, command?: string): void {
  for (const a of argv) {
    if (a === '--') return;
    const m = /^-([a-z][a-z-]+)(=.*)?$/.exec(a);
    if (m && options[m[1]])
      throw new UsageError(`unknown option ${cut(a)}: long options take two dashes (--${m[1]})`, command);
  }
}

export function parseCommon(argv: string[], extra: ParseOptions = {}, command?: string): CommonArgs {
  const options: ParseOptions = { ...COMMON_OPTIONS, ...extra };
  singleDashLong(argv, options, command);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(friendlyParseError(err, options), command);
  }
  const v = parsed.values;
  return {
    config: (v.config as string[] | undefined) ?? [],
    set: (v.set as string[] | undefined) ?? [],
    logLevel: v['log-level'] as string | undefined,
    dataDir: v['data-dir'] as string | undefined,
    shutdownTimeout: v['shutdown-timeout'] as string | undefined,
    help: Boolean(v.help),
    positionals: parsed.positionals,
    values: v,
  };
}

function optionName(o: ParseOptions[string], name: string): string {
  return `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
}

/** One line for a parseArgs error, naming the flag and the closest known one. */
function friendlyParseError(err: unknown, options: ParseOptions): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  const names = Object.keys(options);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const token = /Unknown option '([^']+)'/.exec(message)?.[1] ?? '?';
    const bare = token.replace(/^-+/, '').split('=')[0];
    // `--fail-on-drift`: a known option glued to its value is a prefix, whatever the distance.
    const prefix = names
      .filter((n) => n.length >= 3 && bare.startsWith(n))
      .sort((a, b) => b.length - a.length)[0];
    const guess = prefix ?? closest(bare, names);
    return `unknown option ${token}${guess ? ` (did you mean --${guess}?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(message)?.[1];
    const o = name ? options[name] : undefined;
    if (name && o && /does not take an argument/.test(message))
      return `option --${name} takes no value (it is a switch)`;
    if (name && o) {
      const spelled = optionName(o, name);
      return `option --${name} needs a value (${spelled})`;
    }
  }
  return message.split('\n')[0].replace(/'/g, '"');
}

/** Parses argv for one command of the table and checks values, positionals and required options. */
export function parseFor(spec: CommandSpec, argv: string[]): CommonArgs {
  const options: ParseOptions = {};
  for (const o of spec.options)
    options[o.name] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.short ? { short: o.short } : {}),
      ...(o.value ? { value: o.value } : {}),
    };
  singleDashLong(argv, options, spec.name);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(friendlyParseError(err, options), spec.name);
  }
  const v = parsed.values;
  for (const o of spec.options) {
    const raw = v[o.name];
    if (raw === undefined || o.type !== 'string') continue;
    for (const one of Array.isArray(raw) ? (raw as string[]) : [raw as string]) checkValue(spec, o, one);
  }
  checkPositionals(spec, parsed.positionals, v);
  for (const r of spec.required ?? []) {
    const given = v[r];
    if (given === undefined || (Array.isArray(given) && given.length === 0)) {
      const o = spec.options.find((x) => x.name === r)!;
      throw new UsageError(`--${r} ${o.value ?? 'VALUE'} is required`, spec.name);
    }
  }
  return {
    config: (v.config as string[] | undefined) ?? [],
    set: (v.set as string[] | undefined) ?? [],
    logLevel: v['log-level'] as string | undefined,
    dataDir: v['data-dir'] as string | undefined,
    shutdownTimeout: v['shutdown-timeout'] as string | undefined,
    help: Boolean(v.help),
    positionals: parsed.positionals,
    values: v,
  };
}

function checkValue(spec: CommandSpec, o: OptionSpec, value: string): void {
  const fail = (msg: string) => {
    throw new UsageError(msg, spec.name);
  };
  if (value === '') fail(`option --${o.name} needs a value (--${o.name} ${o.value ?? 'VALUE'})`);
  if (o.choices && !o.choices.includes(value)) {
    const guess = closest(value, o.choices);
    fail(
      `--${o.name} must be ${oneOf(o.choices)} (got "${cut(value)}")${guess ? ` (did you mean "${guess}"?)` : ''}`,
    );
  }
  const c = o.check;
  if (c?.kind === 'duration') {
    if (isBareNumber(value)) fail(`--${o.name} ${value}: ${bareNumberHint(value)}`);
    if (parseDurationMs(value) === undefined)
      fail(`--${o.name} must be a duration such as 500ms, 10s, 1m30s (got "${cut(value)}")`);
  }
  if (c?.kind === 'integer') {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < c.min || n > c.max)
      fail(`--${o.name} must be an integer from ${c.min} to ${c.max} (got "${cut(value)}")`);
  }
}

function checkPositionals(spec: CommandSpec, positionals: string[], v: Record<string, unknown>): void {
  const p = spec.positionals;
  const max = p ? (p.max ?? Infinity) : 0;
  if (positionals.length > max) {
    const extra = positionals[max];
    const takesConfig = spec.options.some((o) => o.name === 'config');
    const hint =
      takesConfig && /\.ya?ml$/i.test(extra)
        ? ` (to load it as the configuration: --config ${extra})`
        : extra.startsWith('-')
          ? ''
          : p
            ? ''
            : ` (${spec.name} takes options only)`;
    throw new UsageError(`unexpected argument "${cut(extra)}"${hint}`, spec.name);
  }
  if (p && positionals.length < p.min && !(p.unless && v[p.unless] !== undefined)) {
    const needs = spec.required?.find((r) => v[r] === undefined);
    const o = needs ? spec.options.find((x) => x.name === needs) : undefined;
    throw new UsageError(
      o
        ? `--${o.name} ${o.value ?? 'VALUE'} and at least one ${p.name} are required`
        : `give one or more ${p.name.toLowerCase()} files (${p.name}…)`,
      spec.name,
    );
  }
}

function oneOf(choices: readonly string[]): string {
  const q = choices.map((c) => `"${c}"`);
  return q.length === 2 ? `${q[0]} or ${q[1]}` : `one of ${q.join(', ')}`;
}

/** Long values are cut in messages (a pasted 1 MB value must not flood the terminal). */
export function cut(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}
