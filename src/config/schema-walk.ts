// SPDX-License-Identifier: Apache-2.0
// Walking a JSON Schema beside a value: which schema nodes a child value may follow. Shared by
// the secret marker (x-secret) and the unit normaliser (x-unit), so both read a schema alike.
export type SchemaNode = Record<string, unknown>;

/** Schema keyword naming the unit a string option is loaded as (`duration`: milliseconds). */
export const UNIT_KEYWORD = 'x-unit';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema nodes a value at `key` of an object (or index of a list) with schema `s` may follow. */
export function childSchemas(s: SchemaNode, key: string | number): SchemaNode[] {
  const out: SchemaNode[] = [];
  const props = s.properties as Record<string, SchemaNode> | undefined;
  if (typeof key === 'string' && props?.[key]) out.push(props[key]);
  else if (typeof key === 'string' && isObject(s.additionalProperties)) out.push(s.additionalProperties);
  if (typeof key === 'number' && isObject(s.items)) out.push(s.items);
  for (const alt of [
    ...((s.oneOf as SchemaNode[]) ?? []),
    ...((s.anyOf as SchemaNode[]) ?? []),
    ...((s.allOf as SchemaNode[]) ?? []),
  ])
    out.push(...childSchemas(alt, key));
  return out;
}
