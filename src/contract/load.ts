// SPDX-License-Identifier: Apache-2.0
// Loads and checks a contract file: YAML → schema check (every problem, with its path) →
// schemas referenced as `FILE#/json/pointer` compiled once per contract with ajv 2020.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../component/errors.js';
import { validateAgainst } from '../config/component-schema.js';
import type { ErrorClass } from '../model/call-record.js';
import { parseDurationMs } from '../util/duration.js';
import type { ClassOverride, Contract, ErrorRule, SchemaPair } from './contract.js';
import { contractFileSchema } from './file-schema.js';
import { parsePath } from './json-path.js';
import { shapeOf } from './shape.js';

/** The package root (holds package.json and the shipped config/contracts/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const DEFAULT_CONTRACT = 'config/contracts/openai-chat-completions.yaml';

/** Absolute paths as given; relative ones against the working directory, else the package root. */
export function resolveContractPath(p: string, baseDir = process.cwd()): string {
  if (isAbsolute(p)) return p;
  const local = resolve(baseDir, p);
  if (existsSync(local)) return local;
  const shipped = resolve(packageRoot(), p);
  return existsSync(shipped) ? shipped : local;
}

interface RawPair {
  strict: string;
  compat: string;
}
interface RawContract {
  id: string;
  provider: string;
  docs: { url: string; reviewed: string };
  endpoint: { method: string; path: string; timeout_budget: string | number };
  request: { required_headers: string[]; minimum_body: Record<string, unknown> };
  response: {
    schema: RawPair;
    reads: Array<{ path: string; type?: string | string[]; required: boolean }>;
    finish_reasons: string[];
  };
  stream?: {
    schema?: RawPair;
    done_expected: boolean;
    usage_from: string[];
    usage_expected: 'always' | 'when_requested' | 'never';
  };
  errors: {
    schema?: RawPair;
    request_id_in_message: boolean;
    rules: Array<{
      when: {
        status?: number | number[];
        code?: string | string[];
        type?: string | string[];
        message_matches?: string;
      };
      class: ErrorClass;
      sub_reason?: string;
      retryable?: boolean;
    }>;
    classes: Partial<Record<ErrorClass, ClassOverride>>;
  };
  usage: { required: boolean; fields: string[]; max_tokens_allowance: number };
  statuses: { retryable: number[]; non_retryable: number[] };
  shapes: { learn: boolean; baseline: string[] };
}

const cache = new Map<string, { mtimeMs: number; contract: Contract }>();

/** Loads (or returns the cached) contract; throws ConfigError listing every problem. */
export function loadContract(path: string): Contract {
  const file = resolveContractPath(path);
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    throw new ConfigError([`${path}: contract file not found (looked at ${file})`], 'DW_ERR_CONFIG_FILE');
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.contract;
  const contract = parseContract(readFileSync(file, 'utf8'), file);
  cache.set(file, { mtimeMs, contract });
  return contract;
}

export function parseContract(text: string, file: string): Contract {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid YAML: ${(err as Error).message}`], 'DW_ERR_CONFIG_FILE');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError([`${file}: a contract file must be a mapping`], 'DW_ERR_CONFIG_FILE');
  const problems = validateAgainst(contractFileSchema, doc).map(
    (p) => `${file}: ${p.path.length ? p.path.join('.') + ': ' : ''}${p.message}`,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const raw = doc as RawContract;
  const more: string[] = [];
  const reviewedMs = Date.parse(`${raw.docs.reviewed}T00:00:00Z`);
  if (!Number.isFinite(reviewedMs))
    more.push(`${file}: docs.reviewed: "${raw.docs.reviewed}" is not a real date`);
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  const baseDir = dirname(file);
  const schemaIds = new Map<string, string>();
  const compile = (ref: string, at: string): ValidateFunction | undefined => {
    const hash = ref.indexOf('#');
    const rel = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    const abs = resolve(baseDir, rel);
    try {
      let id = schemaIds.get(abs);
      if (!id) {
        const schema = JSON.parse(readFileSync(abs, 'utf8')) as Record<string, unknown>;
        id = typeof schema.$id === 'string' ? schema.$id : `file://${abs}`;
        if (!ajv.getSchema(id)) ajv.addSchema(schema, id);
        schemaIds.set(abs, id);
      }
      return ajv.compile({ $ref: `${id}#${pointer}` });
    } catch (err) {
      more.push(`${file}: ${at}: cannot use schema "${ref}": ${(err as Error).message}`);
      return undefined;
    }
  };
  const pair = (p: RawPair | undefined, at: string): SchemaPair | undefined => {
    if (!p) return undefined;
    const strict = compile(p.strict, `${at}.strict`);
    const compat = compile(p.compat, `${at}.compat`);
    return strict && compat ? { strict, compat } : undefined;
  };
  const response = pair(raw.response.schema, 'response.schema');
  const stream = pair(raw.stream?.schema, 'stream.schema');
  const errorsSchema = pair(raw.errors.schema, 'errors.schema');
  const rules: ErrorRule[] = raw.errors.rules.map((r, i) => {
    let messageMatches: RegExp | undefined;
    if (r.when.message_matches !== undefined) {
      try {
        messageMatches = new RegExp(r.when.message_matches, 'i');
      } catch (err) {
        more.push(`${file}: errors.rules.${i}.when.message_matches: ${(err as Error).message}`);
      }
    }
    const list = <T>(v: T | T[] | undefined): T[] | undefined =>
      v === undefined ? undefined : Array.isArray(v) ? v : [v];
    return {
      when: { status: list(r.when.status), code: list(r.when.code), type: list(r.when.type), messageMatches },
      class: r.class,
      subReason: r.sub_reason,
      retryable: r.retryable,
    };
  });
  if (more.length > 0 || !response) throw new ConfigError(more);
  return {
    id: raw.id,
    provider: raw.provider,
    file,
    docsUrl: raw.docs.url,
    reviewed: raw.docs.reviewed,
    reviewedMs,
    method: raw.endpoint.method,
    path: raw.endpoint.path,
    timeoutBudgetMs: parseDurationMs(raw.endpoint.timeout_budget) ?? 60_000,
    request: {
      requiredHeaders: raw.request.required_headers.map((h) => h.toLowerCase()),
      minimumShape: Object.keys(raw.request.minimum_body).length ? shapeOf(raw.request.minimum_body) : [],
    },
    response: {
      ...response,
      reads: raw.response.reads.map((r) => ({
        path: r.path,
        segs: parsePath(r.path),
        types: r.type === undefined ? undefined : Array.isArray(r.type) ? r.type : [r.type],
        required: r.required,
      })),
      finishReasons: new Set(raw.response.finish_reasons),
    },
    stream:
      raw.stream && stream
        ? {
            ...stream,
            doneExpected: raw.stream.done_expected,
            usageFrom: raw.stream.usage_from.map(parsePath),
            usageFromNames: raw.stream.usage_from,
            usageExpected: raw.stream.usage_expected,
          }
        : undefined,
    errors: {
      schema: errorsSchema,
      requestIdInMessage: raw.errors.request_id_in_message,
      rules,
      classes: raw.errors.classes,
    },
    usage: {
      required: raw.usage.required,
      fields: raw.usage.fields,
      maxTokensAllowance: raw.usage.max_tokens_allowance,
    },
    statuses: {
      retryable: new Set(raw.statuses.retryable),
      nonRetryable: new Set(raw.statuses.non_retryable),
    },
    shapes: { learn: raw.shapes.learn, baseline: new Set(raw.shapes.baseline) },
  };
}
