// SPDX-License-Identifier: Apache-2.0
// Secret options are declared, not guessed: a schema node marked `'x-secret': true` holds a
// secret (a string, or every string below it, e.g. a headers map). The loader collects those
// values for the export guard and log scrubbing; print-config masks them.
import type { JsonSchema } from '../component/factory.js';
import { childSchemas, isObject } from './schema-walk.js';
import type { SchemaNode } from './schema-walk.js';

export const SECRET_MARKER = 'x-secret';
export const MASK = '[REDACTED]';
/** Shorter values would match too much outgoing text to be guarded (e.g. "1"). */
const MIN_GUARDED_LENGTH = 8;

type Node = SchemaNode;

function visit(
  schemas: Node[],
  value: unknown,
  secret: boolean,
  fn: (v: string, secret: boolean) => unknown,
): unknown {
  const isSecret = secret || schemas.some((s) => s[SECRET_MARKER] === true);
  if (typeof value === 'string') return fn(value, isSecret);
  if (Array.isArray(value))
    return value.map((x, i) =>
      visit(
        schemas.flatMap((s) => childSchemas(s, i)),
        x,
        isSecret,
        fn,
      ),
    );
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, x]) => [
        k,
        visit(
          schemas.flatMap((s) => childSchemas(s, k)),
          x,
          isSecret,
          fn,
        ),
      ]),
    );
  return value;
}

/** Every non-trivial string value the schema marks secret, `Bearer ` prefixes removed. */
export function secretValues(schema: JsonSchema, config: unknown, out = new Set<string>()): Set<string> {
  visit([schema], config, false, (v, secret) => {
    const bare = v.replace(/^Bearer\s+/i, '');
    if (secret && bare.length >= MIN_GUARDED_LENGTH) out.add(bare);
    return v;
  });
  return out;
}

/** A copy of a component config with every marked, non-empty value masked. */
export function maskBySchema(schema: JsonSchema, config: unknown): unknown {
  return visit([schema], config, false, (v, secret) => (secret && v !== '' ? MASK : v));
}

/** Property names that look like they hold a secret: each must state `x-secret` either way. */
export const SECRET_LOOKING_NAME =
  /(api_?key|(^|_)token$|secret|password|passwd|authorization|bearer|credential|^headers$)/i;

/** Only strings and maps of strings can hold a secret (booleans like `patterns.api_keys` cannot). */
function canHoldSecret(s: Node): boolean {
  const t = s.type;
  if (t === 'string' || (Array.isArray(t) && t.includes('string'))) return true;
  return t === 'object' && isObject(s.additionalProperties);
}

/** Dotted paths of secret-looking properties that do not state `x-secret` (true or false). */
export function unmarkedSecretLooking(schema: JsonSchema, path = ''): string[] {
  const out: string[] = [];
  const walk = (s: Node, p: string): void => {
    for (const [k, child] of Object.entries((s.properties as Record<string, Node>) ?? {})) {
      const here = p ? `${p}.${k}` : k;
      if (SECRET_LOOKING_NAME.test(k) && canHoldSecret(child) && typeof child[SECRET_MARKER] !== 'boolean')
        out.push(here);
      walk(child, here);
    }
    if (isObject(s.items)) walk(s.items, `${p}[]`);
    if (isObject(s.additionalProperties)) walk(s.additionalProperties, `${p}.*`);
    for (const alt of [...((s.oneOf as Node[]) ?? []), ...((s.anyOf as Node[]) ?? [])]) walk(alt, p);
  };
  walk(schema as Node, path);
  return out;
}
