// SPDX-License-Identifier: Apache-2.0
// The small path language of contract files: `choices[0].message.content`, `usage.total_tokens`.
// Parsed once at contract load; looked up without allocating per record.

export type Segment = string | number;

export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

export const MISSING: unique symbol = Symbol('missing');

/** The value at `segs`, or MISSING when any step is absent (null is a value). */
export function lookup(root: unknown, segs: readonly Segment[]): unknown {
  let cur: unknown = root;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    if (typeof s === 'number') {
      if (!Array.isArray(cur) || s >= cur.length) return MISSING;
      cur = cur[s];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, s)) return MISSING;
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return cur;
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** JSON type as JSON Schema names it; integers are reported as `integer`. */
export function jsonTypeOf(v: unknown): JsonType | 'undefined' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'object':
      return 'object';
    default:
      return 'undefined';
  }
}

/** Does value type `actual` satisfy one of `allowed` (an integer is also a number)? */
export function typeMatches(actual: string, allowed: readonly string[]): boolean {
  return allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
}

/**
 * ajv reports the same few paths on every body that fails the same way: each is built once.
 * Bounded in entries and in key length (a hostile body's keys may be long).
 */
const templates = new Map<string, string>();
const TEMPLATES_MAX = 1024;
const TEMPLATE_KEY_MAX = 256;

/** `/choices/0/message/refusal` (ajv instancePath) → `choices[].message.refusal` (bounded). */
export function templatePath(instancePath: string, extra?: string): string {
  const key = extra === undefined ? instancePath : `${instancePath}\0${extra}`;
  if (key.length > TEMPLATE_KEY_MAX) return buildTemplatePath(instancePath, extra);
  let t = templates.get(key);
  if (t === undefined) {
    t = buildTemplatePath(instancePath, extra);
    if (templates.size >= TEMPLATES_MAX) templates.clear();
    templates.set(key, t);
  }
  return t;
}

function buildTemplatePath(instancePath: string, extra?: string): string {
  let out = '';
  for (const raw of instancePath.split('/')) {
    if (raw === '') continue;
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += '[]';
    else out += (out === '' ? '' : '.') + part;
  }
  if (extra !== undefined) out += (out === '' ? '' : '.') + extra;
  return out === '' ? '$' : out.slice(0, 120);
}
