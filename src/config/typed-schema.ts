// SPDX-License-Identifier: Apache-2.0
// Component config schemas are written with TypeBox's builders: what they build is plain JSON
// Schema, so ajv keeps validating it with file:line:col messages and the reference docs are
// generated from it, while `Static<typeof schema>` is the config a component receives: defaults
// applied, durations in milliseconds (the loader normalises them, see normalise.ts). One source,
// no hand-copied type.
//
// TypeBox is used for its types only. Its runtime is 201 modules: importing it cost every command
// (`replay`, `validate`, `--help`) 0.14 CPU-s and 14 MiB of RSS for the eight one-line builders
// below, which build exactly what TypeBox's do (same keys, same order, same symbols).
import type {
  ObjectOptions,
  SchemaOptions,
  Static,
  TObject,
  TProperties,
  TUnsafe,
  Type as TypeBoxBuilder,
} from '@sinclair/typebox';
import type { JsonSchema } from '../component/factory.js';
import { DURATION_PATTERN } from '../util/duration.js';
import { UNIT_KEYWORD } from './schema-walk.js';

// TypeBox's registered symbols: its guards (and Static's optional keys) recognise these.
const Kind = Symbol.for('TypeBox.Kind');
const OptionalKind = Symbol.for('TypeBox.Optional');

type Schema = Record<string | symbol, unknown>;
const create = (schema: Schema, options?: object): Schema =>
  options === undefined ? schema : { ...options, ...schema };

const builders = {
  String: (options?: object) => create({ [Kind]: 'String', type: 'string' }, options),
  Integer: (options?: object) => create({ [Kind]: 'Integer', type: 'integer' }, options),
  Number: (options?: object) => create({ [Kind]: 'Number', type: 'number' }, options),
  Boolean: (options?: object) => create({ [Kind]: 'Boolean', type: 'boolean' }, options),
  Array: (items: Schema, options?: object) => create({ [Kind]: 'Array', type: 'array', items }, options),
  Object: (properties: Record<string, Schema>, options?: object) => {
    const required = Object.keys(properties).filter((k) => properties[k][OptionalKind] !== 'Optional');
    return create(
      required.length > 0
        ? { [Kind]: 'Object', type: 'object', required, properties }
        : { [Kind]: 'Object', type: 'object', properties },
      options,
    );
  },
  Optional: (schema: Schema) => ({ ...schema, [OptionalKind]: 'Optional' }),
  Unsafe: (options: Schema = {}) => create({ [Kind]: options[Kind] ?? 'Unsafe' }, options),
};

/** The subset of TypeBox's `Type` the config schemas use, with TypeBox's signatures. */
export const Type = builders as unknown as Pick<
  typeof TypeBoxBuilder,
  'String' | 'Integer' | 'Number' | 'Boolean' | 'Array' | 'Object' | 'Optional' | 'Unsafe'
>;
export type { Static };

/**
 * A duration: the YAML says `30s` or `1m30s`, the loaded config holds milliseconds. Without a
 * default, wrap it in `Type.Optional` (e.g. a per-probe timeout that inherits the target's).
 */
export function Duration(def: string | undefined, description: string): TUnsafe<number> & JsonSchema {
  return Type.Unsafe<number>({
    type: 'string',
    pattern: DURATION_PATTERN,
    [UNIT_KEYWORD]: 'duration',
    ...(def === undefined ? {} : { default: def }),
    description,
  }) as TUnsafe<number> & JsonSchema;
}

/** A duration that may be left empty ("from the environment, else a default"): loaded as undefined. */
export function OptionalDuration(description: string): TUnsafe<number | undefined> & JsonSchema {
  return Type.Unsafe<number | undefined>({
    type: 'string',
    pattern: `^\\s*$|${DURATION_PATTERN}`,
    [UNIT_KEYWORD]: 'duration',
    default: '',
    description,
  }) as TUnsafe<number | undefined> & JsonSchema;
}

/** One of a few literal values, kept as JSON Schema `enum` (its error lists the allowed values). */
export function Enum<const V extends readonly (string | number | boolean)[]>(
  values: V,
  options: SchemaOptions = {},
): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ enum: [...values], ...options });
}

/** A map of names to strings (headers, attributes), spelled `additionalProperties` as the secret marker reads it. */
export function StringMap(options: SchemaOptions = {}): TUnsafe<Record<string, string>> & JsonSchema {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    default: {},
    ...options,
  }) as TUnsafe<Record<string, string>> & JsonSchema;
}

/**
 * A settings block: unknown keys are errors. A key with a default is not `required` in the
 * schema (a user may leave it out), yet present in the loaded type (the loader fills it in).
 */
export function Settings<T extends TProperties>(
  properties: T,
  options: ObjectOptions = {},
): TObject<T> & JsonSchema {
  const s = Type.Object(properties, { additionalProperties: false, ...options }) as TObject<T> & JsonSchema;
  const required = ((s.required ?? []) as string[]).filter((k) => properties[k].default === undefined);
  if (required.length > 0) s.required = required;
  else delete (s as JsonSchema).required;
  return s;
}
