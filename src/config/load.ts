// SPDX-License-Identifier: Apache-2.0
// Loads the pipeline configuration: files → ${env:} expansion → deep merge → --set →
// structure, component schemas (ajv) and pipeline references. Every problem is collected and
// reported at once, each prefixed with file:line:col and the key path.
import { dirname, resolve } from 'node:path';
import type { Kind } from '../component/component.js';
import { ConfigError } from '../component/errors.js';
import type { Registry } from '../pipeline/registry.js';
import { maskBySchema, secretValues } from './secrets.js';
import { didYouMean } from '../util/suggest.js';
import { telemetryProblems, telemetrySchema } from '../telemetry/telemetry-config.js';
import type { TelemetryConfig } from '../telemetry/telemetry-config.js';
import { endpointProblems, listenerConflicts, listenerOf, RESERVED_KEYS, reservedKeys } from './checks.js';
import type { Found, Listener } from './checks.js';
import { defaultsFromSchema, loadBlock, schemaDefaults, validateAgainst } from './component-schema.js';
import { deepFreeze } from './normalise.js';
import { expandEnv } from './expand.js';
import { deepMerge, isPlainObject, parseSetFlag } from './merge.js';
import { locate, PATH_SEP, pathKey, readConfigFile, parseConfigText } from './source.js';
import type { Provenance } from './source.js';

export interface ComponentConfig {
  id: string;
  type: string;
  name?: string;
  kind: Kind;
  /** Validated, defaults applied, durations in milliseconds, frozen: what the component receives. */
  config: unknown;
  /** The same block as written (durations as `30s`), defaults applied: for print-config. */
  raw: Record<string, unknown>;
}

export interface PipelineConfig {
  id: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface ServiceConfig {
  receivers: Map<string, ComponentConfig>;
  processors: Map<string, ComponentConfig>;
  exporters: Map<string, ComponentConfig>;
  extensions: Map<string, ComponentConfig>;
  service: { extensions: string[]; pipelines: Map<string, PipelineConfig>; telemetry: TelemetryConfig };
  /** The effective merged tree with defaults applied (print-config masks secrets). */
  effective: Record<string, unknown>;
  /** Values of secret-looking keys, for the export guard and log scrubbing. */
  secrets: string[];
  /** Secrets plus prompt texts from the config (keys `prompt`, `content`, `system_prompt`…): never exported. */
  sensitive: string[];
  /** Files it came from. */
  files: string[];
  /** Non-fatal notes (unused components). */
  warnings: string[];
}

export interface LoadOptions {
  files: string[];
  /** In-memory sources (the embedded demo config), as `[name, yamlText]`. */
  inline?: Array<[string, string]>;
  sets?: string[];
  env?: NodeJS.ProcessEnv;
  registry: Registry;
}

const SECTIONS: Array<[string, Kind]> = [
  ['receivers', 'receiver'],
  ['processors', 'processor'],
  ['exporters', 'exporter'],
  ['extensions', 'extension'],
];
const TOP_KEYS = ['receivers', 'processors', 'exporters', 'extensions', 'service'];
const PROMPT_KEY = /^(prompt|prompts|content|system_prompt|user_prompt|large_prompt|small_prompt|messages)$/i;

export function loadServiceConfig(opts: LoadOptions): ServiceConfig {
  const env = opts.env ?? process.env;
  const provenance: Provenance = new Map();
  const fatal: string[] = [];
  const files = opts.files.map((f) => resolve(f));
  let merged: unknown = {};
  const reserved: Found[] = [];
  // Reserved names are reported and removed before merging (merging `__proto__` would set a prototype).
  const take = (tree: unknown): unknown => {
    for (const f of reservedKeys(tree)) {
      reserved.push(f);
      let parent = tree as Record<string | number, unknown>;
      for (const k of f.path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      delete parent[f.path[f.path.length - 1]];
    }
    return tree;
  };
  for (const file of files) {
    const src = readConfigFile(file, provenance, fatal);
    if (src) merged = deepMerge(merged, take(src.tree));
  }
  for (const [name, text] of opts.inline ?? []) {
    const src = parseConfigText(text, name, provenance, fatal);
    if (src) merged = deepMerge(merged, take(src.tree));
  }
  for (const flag of opts.sets ?? []) {
    const r = parseSetFlag(flag);
    const bad = 'error' in r ? undefined : r.keys.find((k) => RESERVED_KEYS.has(k));
    if ('error' in r) fatal.push(r.error);
    else if (bad)
      fatal.push(`--set ${r.keys.join('.')}: key "${bad}" is not allowed (a reserved JavaScript name)`);
    else {
      merged = deepMerge(merged, r.tree);
      // a problem with this value points at the flag (key path only), not at the file under it
      provenance.set(pathKey(r.keys), `--set ${r.keys.join('.')}`);
    }
  }
  if (files.length === 0 && (opts.inline ?? []).length === 0)
    fatal.push('no configuration given: pass --config FILE');
  if (fatal.length > 0) throw new ConfigError(fatal, 'DW_ERR_CONFIG_FILE');

  const origin = files.length === 1 ? files[0] : (files[0] ?? opts.inline?.[0]?.[0] ?? 'config');
  const problems: string[] = [];
  const at = (path: readonly (string | number)[], message: string): void => {
    const key = path.length > 0 ? `${path.join(PATH_SEP)}: ` : '';
    problems.push(`${locate(provenance, path, origin)}: ${key}${message}`);
  };

  for (const f of reserved) at(f.path, f.message);
  const expandProblems: Array<{ path: (string | number)[]; message: string }> = [];
  const tree = expandEnv(merged, env, expandProblems) as Record<string, unknown>;
  for (const p of expandProblems) at(p.path, p.message);

  for (const k of Object.keys(tree)) {
    if (!TOP_KEYS.includes(k)) at([k], `unknown top-level key "${k}"${didYouMean(k, TOP_KEYS)}`);
  }

  const configDir = files.length > 0 ? dirname(files[files.length - 1]) : process.cwd();
  const environment = typeof env.DRIFTWATCH_ENVIRONMENT === 'string' ? env.DRIFTWATCH_ENVIRONMENT : undefined;
  const sections = {} as Record<Kind, Map<string, ComponentConfig>>;
  const secrets = new Set<string>();
  const prompts = new Set<string>();
  for (const [section, kind] of SECTIONS) {
    sections[kind] = new Map();
    const block = tree[section] ?? {};
    if (!isPlainObject(block)) {
      at([section], `must be a mapping of component ids to settings`);
      continue;
    }
    for (const [id, raw] of Object.entries(block)) {
      const c = loadComponent(opts.registry, kind, section, id, raw, at, { configDir, environment, env });
      if (c) {
        sections[kind].set(id, c);
        block[id] = c.raw;
        secretValues(opts.registry.get(kind, c.type)!.configSchema, c.config, secrets);
        collectPrompts(c.config, prompts);
      }
    }
    tree[section] = block;
  }

  const service = loadService(tree.service, sections, at);
  storageReferences(sections, service, at);
  secretValues(telemetrySchema, service.telemetry, secrets); // service.telemetry headers are credentials too
  sharedListeners(sections, service, at);
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings = unusedComponents(sections, service);
  deepFreeze(service.telemetry);
  return {
    receivers: sections.receiver,
    processors: sections.processor,
    exporters: sections.exporter,
    extensions: sections.extension,
    service,
    effective: tree,
    secrets: [...secrets],
    sensitive: [...secrets, ...prompts],
    files,
    warnings,
  };
}

type At = (path: readonly (string | number)[], message: string) => void;

function loadComponent(
  registry: Registry,
  kind: Kind,
  section: string,
  id: string,
  raw: unknown,
  at: At,
  ctx: { configDir: string; environment?: string; env?: Record<string, string | undefined> },
): ComponentConfig | undefined {
  const m = /^([^/]+)(?:\/(.+))?$/.exec(id);
  if (!m || !/^[a-z][a-z0-9_]*$/.test(m[1])) {
    at(
      [section, id],
      `invalid component id "${id}": expected type or type/name with a lower_snake_case type`,
    );
    return undefined;
  }
  const [, type, name] = m;
  const factory = registry.get(kind, type);
  if (!factory) {
    const valid = registry.types(kind);
    at(
      [section, id],
      `unknown ${kind} type "${type}"${didYouMean(type, valid)}; valid types: ${valid.join(', ') || '(none)'}`,
    );
    return undefined;
  }
  const block = raw === null || raw === undefined ? {} : raw;
  if (!isPlainObject(block)) {
    at(
      [section, id],
      `must be a mapping of settings (got ${Array.isArray(block) ? 'a list' : typeof block})`,
    );
    return undefined;
  }
  // `written` keeps the user's spelling (print-config); `config` is what the component receives
  const written = deepMerge(schemaDefaults(factory.configSchema), block) as Record<string, unknown>;
  const { problems, config } = loadBlock(factory.configSchema, written);
  for (const p of problems) at([section, id, ...p.path], p.message);
  for (const p of endpointProblems(type, written)) at([section, id, ...p.path], p.message);
  if (config !== undefined && factory.validate) {
    for (const p of factory.validate(config as never, ctx)) at([section, id, ...p.path], p.message);
  }
  return { id, type, name, kind, config: deepFreeze(config ?? written), raw: written };
}

/** `storage: file_storage[/name]` (the Collector's spelling) must name a configured, listed extension. */
function storageReferences(
  sections: Record<Kind, Map<string, ComponentConfig>>,
  service: ServiceConfig['service'],
  at: At,
): void {
  for (const [id, c] of sections.exporter) {
    const storage = (c.config as { sending_queue?: { storage?: unknown } }).sending_queue?.storage;
    if (typeof storage !== 'string' || !storage.startsWith('file_storage')) continue;
    if (!sections.extension.has(storage))
      at(
        ['exporters', id, 'sending_queue', 'storage'],
        `names extension "${storage}", which is not configured under extensions:`,
      );
    else if (!service.extensions.includes(storage))
      at(
        ['exporters', id, 'sending_queue', 'storage'],
        `names extension "${storage}", which is not listed in service.extensions`,
      );
  }
}

function loadService(
  raw: unknown,
  sections: Record<Kind, Map<string, ComponentConfig>>,
  at: At,
): ServiceConfig['service'] {
  const out: ServiceConfig['service'] = {
    extensions: [],
    pipelines: new Map(),
    telemetry: defaultsFromSchema<TelemetryConfig>(telemetrySchema),
  };
  if (raw === undefined || raw === null) {
    at(['service'], 'missing: a config needs service.pipelines with at least one pipeline');
    return out;
  }
  if (!isPlainObject(raw)) {
    at(['service'], 'must be a mapping with "pipelines" (and optionally "extensions")');
    return out;
  }
  for (const k of Object.keys(raw)) {
    if (k !== 'pipelines' && k !== 'extensions' && k !== 'telemetry')
      at(['service', k], `unknown key "${k}"${didYouMean(k, ['pipelines', 'extensions', 'telemetry'])}`);
  }
  if (raw.telemetry !== undefined && raw.telemetry !== null) {
    const t = structuredClone(raw.telemetry) as TelemetryConfig; // validation fills in the defaults
    const problems = validateAgainst(telemetrySchema, t);
    for (const p of problems) at(['service', 'telemetry', ...p.path], p.message);
    if (problems.length === 0) {
      for (const p of telemetryProblems(t)) at(['service', 'telemetry', ...p.path], p.message);
      out.telemetry = t;
    }
  }
  out.extensions = refList(raw.extensions, ['service', 'extensions'], 'extension', sections.extension, at);
  const pipelines = raw.pipelines;
  if (!isPlainObject(pipelines) || Object.keys(pipelines).length === 0) {
    at(['service', 'pipelines'], 'must define at least one pipeline');
    return out;
  }
  for (const [pid, p] of Object.entries(pipelines)) {
    const base = ['service', 'pipelines', pid];
    if (!isPlainObject(p)) {
      at(base, 'must be a mapping with receivers, processors and exporters');
      continue;
    }
    for (const k of Object.keys(p)) {
      if (!['receivers', 'processors', 'exporters'].includes(k))
        at([...base, k], `unknown key "${k}"${didYouMean(k, ['receivers', 'processors', 'exporters'])}`);
    }
    const receivers = refList(p.receivers, [...base, 'receivers'], 'receiver', sections.receiver, at);
    const processors = refList(p.processors, [...base, 'processors'], 'processor', sections.processor, at);
    const exporters = refList(p.exporters, [...base, 'exporters'], 'exporter', sections.exporter, at);
    if (p.receivers === undefined || (Array.isArray(p.receivers) && p.receivers.length === 0))
      at([...base, 'receivers'], 'a pipeline needs at least one receiver');
    if (p.exporters === undefined || (Array.isArray(p.exporters) && p.exporters.length === 0))
      at([...base, 'exporters'], 'a pipeline needs at least one exporter');
    out.pipelines.set(pid, { id: pid, receivers, processors, exporters });
  }
  return out;
}

function refList(
  raw: unknown,
  path: string[],
  kind: Kind,
  defined: Map<string, ComponentConfig>,
  at: At,
): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    at(path, `must be a list of ${kind} ids`);
    return [];
  }
  const seen = new Set<string>();
  const out: string[] = [];
  raw.forEach((ref: unknown, i) => {
    if (typeof ref !== 'string') {
      at([...path, i], `must be a ${kind} id string`);
      return;
    }
    if (seen.has(ref)) {
      at([...path, i], `${kind} "${ref}" is listed twice`);
      return;
    }
    seen.add(ref);
    if (!defined.has(ref)) {
      const known = [...defined.keys()];
      const where = `${kind === 'extension' ? 'extensions' : `${kind}s`}`;
      at(
        path,
        `references ${kind} "${ref}" which is not configured under ${where}:${didYouMean(ref, known)}`,
      );
      return;
    }
    out.push(ref);
  });
  return out;
}

/** Two started components listening on one address: found here, not as EADDRINUSE at start. */
function sharedListeners(
  sections: Record<Kind, Map<string, ComponentConfig>>,
  service: ServiceConfig['service'],
  at: At,
): void {
  const used = new Set<string>(service.extensions.map((e) => `extension:${e}`));
  for (const p of service.pipelines.values())
    for (const [kind, ids] of [
      ['receiver', p.receivers],
      ['exporter', p.exporters],
    ] as const)
      for (const id of ids) used.add(`${kind}:${id}`);
  const listeners: Listener[] = [];
  for (const [kind, m] of Object.entries(sections) as Array<[Kind, Map<string, ComponentConfig>]>)
    for (const c of m.values()) {
      if (!used.has(`${kind}:${c.id}`)) continue;
      const l = listenerOf(kind, c.id, c.config);
      if (l) listeners.push(l);
    }
  for (const [a, b] of listenerConflicts(listeners))
    at(
      b.path,
      `${b.host}:${b.port} is also where ${a.path.join(PATH_SEP)} listens (${a.host}:${a.port}): two listeners cannot share one address; give one of them another port`,
    );
}

function unusedComponents(
  sections: Record<Kind, Map<string, ComponentConfig>>,
  service: ServiceConfig['service'],
): string[] {
  const used = new Set<string>(service.extensions.map((e) => `extension:${e}`));
  for (const p of service.pipelines.values()) {
    for (const r of p.receivers) used.add(`receiver:${r}`);
    for (const r of p.processors) used.add(`processor:${r}`);
    for (const r of p.exporters) used.add(`exporter:${r}`);
  }
  const out: string[] = [];
  for (const [kind, m] of Object.entries(sections)) {
    for (const id of m.keys())
      if (!used.has(`${kind}:${id}`)) out.push(`${kind} "${id}" is configured but not used by any pipeline`);
  }
  return out;
}

function collectPrompts(v: unknown, out: Set<string>, inPrompt = false): void {
  if (typeof v === 'string') {
    if (inPrompt && v.length >= 12) out.add(v);
  } else if (Array.isArray(v)) {
    for (const x of v) collectPrompts(x, out, inPrompt);
  } else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) collectPrompts(x, out, inPrompt || PROMPT_KEY.test(k));
  }
}

/** A copy of the effective config with every value its component's schema marks `x-secret` masked. */
export function maskSecrets(effective: Record<string, unknown>, registry: Registry): Record<string, unknown> {
  const out: Record<string, unknown> = { ...effective };
  for (const [section, kind] of SECTIONS) {
    const block = effective[section];
    if (!isPlainObject(block)) continue;
    out[section] = Object.fromEntries(
      Object.entries(block).map(([id, config]) => {
        const factory = registry.get(kind, id.split('/')[0]);
        return [id, factory ? maskBySchema(factory.configSchema, config) : config];
      }),
    );
  }
  const service = effective.service;
  if (isPlainObject(service) && service.telemetry !== undefined)
    out.service = { ...service, telemetry: maskBySchema(telemetrySchema, service.telemetry) };
  return out;
}
