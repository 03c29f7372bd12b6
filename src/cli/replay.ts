// SPDX-License-Identifier: Apache-2.0
// `driftwatch replay FILE…`: read access-log files from beginning to end, print a contract-health
// summary and exit. The parser comes from --format/--log-format or from the access_log receiver
// of a --config file (--receiver picks one when there are several).
import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError } from '../component/errors.js';
import type { JsonSchema } from '../component/factory.js';
import type { ServiceConfig } from '../config/load.js';
import { normaliseConfig } from '../config/normalise.js';
import type { Registry } from '../pipeline/registry.js';
import type { AccessLogConfig } from '../receivers/access-log/config.js';
import { accessLogSchema } from '../receivers/access-log/config.js';
import { replayFiles } from '../receivers/access-log/replay-files.js';
import type { ExportTally } from '../receivers/access-log/replay-files.js';
import { FileMatcher } from '../receivers/access-log/glob.js';
import { formatSummary } from '../receivers/access-log/summary.js';
import type { ReplaySummary } from '../receivers/access-log/summary.js';
import { parseCommon } from './args.js';
import type { CliIO } from './io.js';
import { EXIT_CONFIG, EXIT_OK, EXIT_RUNTIME } from './report-error.js';

export const REPLAY_OPTIONS = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  'log-format': { type: 'string' },
  escape: { type: 'string' },
  regex: { type: 'string' },
  receiver: { type: 'string' },
  export: { type: 'boolean' },
} as const;

/** The `default` of each top-level property: what ajv's useDefaults gives an empty object. */
export function topLevelDefaults<C>(schema: JsonSchema): C {
  const out: Record<string, unknown> = {};
  const props = (schema.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const [k, p] of Object.entries(props))
    if (p.default !== undefined) out[k] = structuredClone(p.default);
  return out as C;
}

/** Every string value that has an `enum` in the schema is one of it (the flags replay takes). */
function enumsHold(schema: JsonSchema, value: object): boolean {
  const props = (schema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
  for (const [k, v] of Object.entries(value)) {
    const allowed = props[k]?.enum;
    if (allowed !== undefined && v !== undefined && !allowed.includes(v)) return false;
  }
  return true;
}

/** `registry` is a loader: only a --config run needs every component (and their imports). */
export async function replayCommand(
  argv: string[],
  io: CliIO,
  registry: () => Promise<Registry>,
): Promise<number> {
  const args = parseCommon(argv, REPLAY_OPTIONS);
  const v = args.values;
  // With --config and no files, the receiver's own `include` says which files to read.
  if (args.positionals.length === 0 && args.config.length === 0) {
    io.err('driftwatch replay: give one or more log files\n');
    return EXIT_CONFIG;
  }
  checkReadable(args.positionals);
  let config: AccessLogConfig;
  let written: Record<string, unknown>;
  let receiverId: string | undefined;
  let through: { cfg: ServiceConfig; receiverId: string } | undefined;
  if (v.export === true && args.config.length === 0)
    throw new ConfigError([
      'replay: --export sends records through the pipeline of a --config file; give --config',
    ]);
  if (args.config.length > 0) {
    const { loadServiceConfig } = await import('../config/load.js');
    const cfg = loadServiceConfig({
      files: args.config,
      sets: args.set,
      env: io.env,
      registry: await registry(),
    });
    const candidates = [...cfg.receivers.values()].filter((c) => c.type === 'access_log');
    const pick = v.receiver ? candidates.find((c) => c.id === v.receiver) : candidates[0];
    if (!pick)
      throw new ConfigError([
        v.receiver
          ? `replay: no access_log receiver "${String(v.receiver)}" in the configuration`
          : 'replay: the configuration has no access_log receiver',
      ]);
    config = { ...(pick.config as AccessLogConfig) };
    written = { ...pick.raw };
    receiverId = pick.id;
    if (v.export === true) through = { cfg, receiverId: pick.id };
  } else {
    written = topLevelDefaults<Record<string, unknown>>(accessLogSchema);
    config = normaliseConfig<AccessLogConfig>(accessLogSchema, written);
  }
  const flags: Partial<AccessLogConfig> = {};
  if (v.format !== undefined) flags.format = v.format as AccessLogConfig['format'];
  if (v['log-format'] !== undefined) flags.log_format = String(v['log-format']);
  if (v.escape !== undefined) flags.escape = v.escape as AccessLogConfig['escape'];
  if (v.regex !== undefined) flags.regex = String(v.regex);
  Object.assign(config, flags);
  Object.assign(written, flags);
  // ajv (~0.2 CPU-s to load and compile) only when a config file was read or a flag is off
  // its enum: the common forensic run starts at once, and every message still comes from ajv.
  // It checks the options as written (durations as `200ms`), not the loaded numbers.
  if (args.config.length > 0 || !enumsHold(accessLogSchema, config)) {
    const { validateAgainst } = await import('../config/component-schema.js');
    const problems = validateAgainst(accessLogSchema, written);
    if (problems.length > 0)
      throw new ConfigError(problems.map((p) => `replay: ${p.path.join('.') || 'options'}: ${p.message}`));
  }
  const files = args.positionals.length > 0 ? args.positionals : includedFiles(config, v.receiver);
  if (through === undefined) {
    const summary = replayFiles(files, config, receiverId);
    io.out(v.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return nothingParsed(summary, io) ? EXIT_RUNTIME : EXIT_OK;
  }
  const { replayThroughPipeline } = await import('./replay-export.js');
  const { summary, exported } = await replayThroughPipeline({
    ...through,
    files,
    config,
    args,
    io,
    registry: await registry(),
  });
  io.out(
    v.json === true
      ? `${JSON.stringify({ ...summary, exported }, null, 2)}\n`
      : `${formatSummary(summary)}${formatExported(exported)}`,
  );
  return exported.failed_records > 0 || nothingParsed(summary, io) ? EXIT_RUNTIME : EXIT_OK;
}

function checkReadable(files: readonly string[]): void {
  const unreadable: string[] = [];
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      unreadable.push(`replay: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (unreadable.length > 0) throw new ConfigError(unreadable);
}

const ARCHIVE = /\.(gz|zip|bz2|xz)$/;

/**
 * The files the receiver's `include` (minus `exclude` and archives) matches now, oldest first
 * (rotated ones before the live one).
 */
function includedFiles(config: AccessLogConfig, receiver: unknown): string[] {
  const problems: string[] = [];
  const found = new FileMatcher(config.include, config.exclude).scan((dir, err) =>
    problems.push(
      `replay: cannot list ${dir} (${err.code ?? 'error'}), a directory of the receiver's include`,
    ),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const files = found
    // archives: the receiver reads a .gz only to continue a stream it knows; replay reads text
    .filter((path) => !ARCHIVE.test(path))
    .map((path) => {
      try {
        const st = statSync(path);
        return st.isFile() ? { path, mtime: st.mtimeMs } : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((f): f is { path: string; mtime: number } => f !== undefined)
    .sort((a, b) => a.mtime - b.mtime || b.path.localeCompare(a.path))
    .map((f) => f.path);
  if (files.length === 0)
    throw new ConfigError([
      `replay: no file matches the include of the access_log receiver${receiver ? ` "${String(receiver)}"` : ''} (${config.include.join(', ')}); give log files as arguments`,
    ]);
  checkReadable(files);
  return files;
}

/** Nothing parsed is a failed replay: the summary carries the hint, stderr says it too. */
function nothingParsed(s: ReplaySummary, io: CliIO): boolean {
  if (s.lines.parsed > 0 || s.lines.read === 0) return false;
  io.err(`driftwatch replay: none of ${s.lines.read} lines parsed. ${s.hint ?? ''}\n`);
  return true;
}

function formatExported(e: ExportTally): string {
  const failed =
    e.failed_records > 0 ? `; ${e.failed_records} refused downstream (${e.errors.join('; ')})` : '';
  return `Exported through the pipeline: ${e.records} records in ${e.batches} batches${failed}\n`;
}
