// SPDX-License-Identifier: Apache-2.0
// ajv validation of component blocks: defaults applied, unknown keys rejected, every error
// kept with its path, validators compiled once per factory; then the block normalised once.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from '../component/factory.js';
import { bareNumberHint, isBareNumber } from '../util/duration.js';
import { didYouMean } from '../util/suggest.js';
import { normaliseConfig } from './normalise.js';
import { UNIT_KEYWORD } from './schema-walk.js';

const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  strict: false,
  verbose: true,
  allowUnionTypes: true,
  // a config is validated once per load: skipping ajv's code optimiser makes compiling the
  // schemas of a pipeline ~20 % cheaper (`validate` pays it on every call)
  code: { optimize: false },
});
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
ajv.addKeyword({ keyword: UNIT_KEYWORD, schemaType: 'string' });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

export function compileSchema(schema: JsonSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** The defaults a schema declares as a user would write them (durations as `30s`), a fresh object. */
export function schemaDefaults(schema: JsonSchema): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  compileSchema(schema)(value);
  return value;
}

/** The defaults a schema declares, loaded (durations in ms): `createDefaultConfig` of a factory. */
export function defaultsFromSchema<C>(schema: JsonSchema): C {
  return normaliseConfig<C>(schema, schemaDefaults(schema));
}

/**
 * A block as the loader takes it: validated in place (defaults written into `raw`) and, when
 * valid, normalised into the config a component receives.
 */
export function loadBlock<C>(schema: JsonSchema, raw: unknown): { problems: SchemaProblem[]; config?: C } {
  const problems = validateAgainst(schema, raw);
  return problems.length > 0 ? { problems } : { problems, config: normaliseConfig<C>(schema, raw) };
}

export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

/** Validates in place (defaults are written into `value`). */
export function validateAgainst(schema: JsonSchema, value: unknown): SchemaProblem[] {
  const fn = compileSchema(schema);
  if (fn(value)) return [];
  return dedupe((fn.errors ?? []).filter((e) => !isNoise(e)).map(toProblem));
}

// `anyOf`/`oneOf` add a summary error beside the specific ones; `if` adds "must match then".
// `propertyNames` adds "property name must be valid" beside the error about the name itself.
function isNoise(e: ErrorObject): boolean {
  return (
    e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'propertyNames'
  );
}

function toProblem(e: ErrorObject): SchemaProblem {
  const path: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  // an error about a key's name (propertyNames) belongs to that key, not to its parent
  if (e.propertyName !== undefined) path.push(e.propertyName);
  if ((e.parentSchema as Record<string, unknown> | undefined)?.[UNIT_KEYWORD] === 'duration') {
    if (isBareNumber(e.data)) return { path, message: bareNumberHint(e.data) };
    if (e.keyword === 'pattern' || e.keyword === 'type')
      return {
        path,
        message: `${describe(e.data)} is not a duration (e.g. 500ms, 10s, 5m, 1m30s)`,
      };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { path: [...path, key], message: `unknown key "${key}"${didYouMean(key, known)}` };
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return { path: [...path, key], message: `missing required key "${key}"` };
    }
    case 'type':
      return {
        path,
        message: `must be ${(e.params as { type: string | string[] }).type.toString().replace(',', ' or ')} (got ${describe(e.data)})`,
      };
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      const extra =
        typeof e.data === 'string'
          ? didYouMean(
              e.data,
              allowed.map((a) => a.replace(/"/g, '')),
            )
          : '';
      return {
        path,
        message: `must be one of ${allowed.join(', ')} (got ${show(e.data)})${extra}`,
      };
    }
    case 'pattern':
      return { path, message: `${show(e.data)} is not valid${patternHint(e)}` };
    case 'const':
      return {
        path,
        message: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)} (got ${describe(e.data)})`,
      };
    case 'minProperties': {
      const n = (e.params as { limit: number }).limit;
      return { path, message: `must not be empty (needs at least ${n} key${n === 1 ? '' : 's'})` };
    }
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

function patternHint(e: ErrorObject): string {
  const desc = (e.parentSchema as { description?: string } | undefined)?.description;
  return desc ? ` (${desc})` : ` (must match ${(e.params as { pattern: string }).pattern})`;
}

/** A value as JSON, cut: an error must not echo a pasted 1 MB value. */
function show(v: unknown): string {
  const j = JSON.stringify(v) ?? String(v);
  return j.length <= 120 ? j : `${j.slice(0, 120)}… (${j.length} characters)`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${show(v)}`;
}

function dedupe(ps: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.path.join('/')}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
