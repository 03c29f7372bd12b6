// SPDX-License-Identifier: Apache-2.0
// Config normalised once: after ajv has validated a block and filled in its defaults, every
// string the schema marks `x-unit: duration` becomes milliseconds and the result is frozen.
// Components read numbers; no component repeats a default or parses a duration again.
import type { JsonSchema } from '../component/factory.js';
import { parseDurationMs } from '../util/duration.js';
import { childSchemas, isObject, UNIT_KEYWORD } from './schema-walk.js';
import type { SchemaNode } from './schema-walk.js';

function unitOf(schemas: SchemaNode[]): string | undefined {
  for (const s of schemas) if (typeof s[UNIT_KEYWORD] === 'string') return s[UNIT_KEYWORD];
  return undefined;
}

function convert(schemas: SchemaNode[], value: unknown): unknown {
  if (typeof value === 'string' && unitOf(schemas) === 'duration')
    // '' is "not set" (optional durations); validation has refused anything unparsable
    return value.trim() === '' ? undefined : parseDurationMs(value);
  if (Array.isArray(value))
    return value.map((x, i) =>
      convert(
        schemas.flatMap((s) => childSchemas(s, i)),
        x,
      ),
    );
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, x]) => [
        k,
        convert(
          schemas.flatMap((s) => childSchemas(s, k)),
          x,
        ),
      ]),
    );
  return value;
}

/** A fresh copy of a validated (defaults filled in) config with its units converted. */
export function normaliseConfig<C>(schema: JsonSchema, validated: unknown): C {
  return convert([schema], validated) as C;
}

/** Freezes plain objects and lists all the way down: a loaded config cannot be changed by a component. */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || isObject(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
