// SPDX-License-Identifier: Apache-2.0
// Loads and checks a contract file: YAML → schema check (every problem, with its path) →
// schemas referenced as `FILE#/json/pointer` compiled once per contract with ajv 2020.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, parse as parseYaml } from 'yaml';
import { ConfigError } from '../component/errors.js';
import { validateAgainst } from '../config/component-schema.js';
import type { ErrorClass } from '../model/call-record.js';
import { parseDurationMs } from '../util/duration.js';
import { rememberAccepted } from './contract.js';
import type { AcceptedDeviation, ClassOverride, Contract, ErrorRule, SchemaPair } from './contract.js';
import { declarePath, declaredTree } from './declared-fields.js';
import type { DeclaredNode } from './declared-fields.js';
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
    usage_from: string[];
    extra_fields: string[];
  };
  stream?: {
    schema?: RawPair;
    done_expected: boolean;
    usage_from: string[];
    usage_expected: 'always' | 'when_requested' | 'never';
    extra_fields: string[];
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
  accepted: Array<{ path: string; kind?: string; reason: string; review_by: string }>;
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

/** True when the JSON pointer (RFC 6901, "" = the whole document) names something in `doc`. */
function pointerResolves(doc: unknown, pointer: string): boolean {
  if (pointer === '' || pointer === '/') return true;
  if (!pointer.startsWith('/')) return false;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key))
      return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}

export function parseContract(text: string, file: string): Contract {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // file:line:col and the first line of the parser's message (the rest is a code frame)
    const pos = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const at = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const first = (err as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError([`${at}: not valid YAML: ${first}`], 'DW_ERR_CONFIG_FILE');
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
  // Date.parse rolls 2026-02-31 over to March: only a date that reads back the same is real
  if (!Number.isFinite(reviewedMs) || new Date(reviewedMs).toISOString().slice(0, 10) !== raw.docs.reviewed)
    more.push(`${file}: docs.reviewed: "${raw.docs.reviewed}" is not a real date`);
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  const baseDir = dirname(file);
  const schemas = new Map<string, { id: string; schema: Record<string, unknown> }>();
  const compile = (ref: string, at: string): ValidateFunction | undefined => {
    const hash = ref.indexOf('#');
    const rel = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    const abs = resolve(baseDir, rel);
    const fail = (why: string): undefined => {
      more.push(`${file}: ${at}: cannot use schema "${ref}": ${why}`);
      return undefined;
    };
    let entry = schemas.get(abs);
    if (!entry) {
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch {
        return fail(`schema file not found (looked at ${abs})`);
      }
      let schema: unknown;
      try {
        schema = JSON.parse(text);
      } catch (err) {
        return fail(`${abs} is not valid JSON: ${(err as Error).message}`);
      }
      if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
        return fail(`${abs} is not a JSON Schema object`);
      const s = schema as Record<string, unknown>;
      entry = { id: typeof s.$id === 'string' ? s.$id : `file://${abs}`, schema: s };
      try {
        if (!ajv.getSchema(entry.id)) ajv.addSchema(s, entry.id);
      } catch (err) {
        return fail(`${abs}: ${(err as Error).message}`);
      }
      schemas.set(abs, entry);
    }
    if (!pointerResolves(entry.schema, pointer)) return fail(`${abs} has nothing at "#${pointer}"`);
    // addSchema above checked the schema against its meta-schema; compiling it waits for the
    // first record (`driftwatch validate` compiled six validators it never used)
    const id = entry.id;
    return lazyValidator(() => ajv.compile({ $ref: `${id}#${pointer}` }));
  };
  const pair = (p: RawPair | undefined, at: string): SchemaPair | undefined => {
    if (!p) return undefined;
    const strict = compile(p.strict, `${at}.strict`);
    const compat = compile(p.compat, `${at}.compat`);
    return strict && compat ? { strict, compat } : undefined;
  };
  /** The field tree the strict schema of `ref` names (its file is already loaded by compile). */
  const declared = (ref: string | undefined, alsoDeclared: readonly string[]): DeclaredNode | undefined => {
    if (!ref) return undefined;
    const hash = ref.indexOf('#');
    const entry = schemas.get(resolve(baseDir, hash === -1 ? ref : ref.slice(0, hash)));
    if (!entry) return undefined;
    const tree = declaredTree(entry.schema, hash === -1 ? '' : ref.slice(hash + 1));
    for (const p of alsoDeclared) declarePath(tree, p);
    return tree;
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
  const accepted = acceptedDeviations(raw, text, file, more);
  rememberAccepted(accepted);
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
      usageFrom: raw.response.usage_from.map(parsePath),
      usageFromNames: raw.response.usage_from,
      declared: declared(raw.response.schema.strict, [
        ...raw.response.usage_from,
        ...raw.response.extra_fields,
      ]),
    },
    stream:
      raw.stream && stream
        ? {
            ...stream,
            doneExpected: raw.stream.done_expected,
            usageFrom: raw.stream.usage_from.map(parsePath),
            usageFromNames: raw.stream.usage_from,
            usageExpected: raw.stream.usage_expected,
            declared: declared(raw.stream.schema?.strict, [
              ...raw.stream.usage_from,
              ...raw.stream.extra_fields,
            ]),
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
    accepted,
  };
}

/**
 * A validator compiled on its first call. A schema that cannot be compiled then (a `$ref` that
 * resolves nowhere) throws there: the validate processor counts it and passes the record on.
 */
function lazyValidator(build: () => ValidateFunction): ValidateFunction {
  let fn: ValidateFunction | undefined;
  const lazy = ((data: unknown) => {
    fn ??= build();
    const ok = fn(data);
    lazy.errors = fn.errors;
    return ok;
  }) as ValidateFunction;
  return lazy;
}

/** The `accepted` list with the file line of each entry (what `check` prints as the reason). */
function acceptedDeviations(
  raw: RawContract,
  text: string,
  file: string,
  more: string[],
): AcceptedDeviation[] {
  if (raw.accepted.length === 0) return [];
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  return raw.accepted.map((a, i) => {
    const node = doc.getIn(['accepted', i], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lc.linePos(node.range[0]).line : 0;
    const reviewByMs = Date.parse(`${a.review_by}T00:00:00Z`);
    if (!Number.isFinite(reviewByMs) || new Date(reviewByMs).toISOString().slice(0, 10) !== a.review_by)
      more.push(`${file}: accepted.${i}.review_by: "${a.review_by}" is not a real date`);
    return { path: a.path, kind: a.kind, reason: a.reason, reviewBy: a.review_by, reviewByMs, file, line };
  });
}
