// SPDX-License-Identifier: Apache-2.0
// Component config schemas are written with TypeBox: what it builds is plain JSON Schema, so ajv
// keeps validating it with file:line:col messages and the reference docs are generated from it,
// while `Static<typeof schema>` is the config a component receives: defaults applied, durations
// in milliseconds (the loader normalises them, see normalise.ts). One source, no hand-copied type.
import { Type } from '@sinclair/typebox';
import type { ObjectOptions, SchemaOptions, Static, TObject, TProperties, TUnsafe } from '@sinclair/typebox';
import type { JsonSchema } from '../component/factory.js';
import { DURATION_PATTERN } from '../util/duration.js';

export { Type };
export type { Static };

/** Schema keyword naming the unit a string option is loaded as (`duration`: milliseconds). */
export const UNIT_KEYWORD = 'x-unit';

/** A duration: the YAML says `30s` or `1m30s`, the loaded config holds milliseconds. */
export function Duration(def: string, description: string): TUnsafe<number> & JsonSchema {
  return Type.Unsafe<number>({
    type: 'string',
    pattern: DURATION_PATTERN,
    [UNIT_KEYWORD]: 'duration',
    default: def,
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
