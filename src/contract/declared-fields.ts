// SPDX-License-Identifier: Apache-2.0
// The fields a contract's strict schema names, as a tree, so a body's fields outside the contract
// are reported on the first call (a fresh `check`), not only once a learned shape changes.
// Built once per contract from the schema JSON: properties, array items, local `$ref`s and
// allOf/anyOf/oneOf unions. A node whose schema names no properties accepts anything below it.

export interface DeclaredNode {
  props: Map<string, DeclaredNode>;
  items?: DeclaredNode;
  /** No property list here (a free-form object, or no schema): anything below is in the contract. */
  open: boolean;
}

const MAX_DEPTH = 12;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function merge(into: DeclaredNode, s: unknown, doc: unknown, depth: number): void {
  if (!isObj(s) || depth > MAX_DEPTH) {
    into.open = true;
    return;
  }
  if (typeof s.$ref === 'string') {
    const ref = s.$ref;
    if (ref.startsWith('#')) merge(into, resolvePointer(doc, ref.slice(1)), doc, depth + 1);
    else into.open = true; // another file: do not guess
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[k];
    if (Array.isArray(list)) for (const sub of list) merge(into, sub, doc, depth + 1);
  }
  if (isObj(s.properties)) {
    for (const [key, sub] of Object.entries(s.properties)) {
      let n = into.props.get(key);
      if (!n) into.props.set(key, (n = { props: new Map(), open: false }));
      merge(n, sub, doc, depth + 1);
    }
  }
  if (isObj(s.additionalProperties) || isObj(s.patternProperties)) into.open = true; // a map of anything
  if (s.items !== undefined) {
    into.items ??= { props: new Map(), open: false };
    merge(into.items, s.items, doc, depth + 1);
  }
}

/** Closes nodes that name nothing at all (scalars, `{}`): they accept whatever they hold. */
function settle(n: DeclaredNode): void {
  if (n.props.size === 0 && !n.items) n.open = true;
  for (const c of n.props.values()) settle(c);
  if (n.items) settle(n.items);
}

export function declaredTree(doc: unknown, pointer: string): DeclaredNode {
  const root: DeclaredNode = { props: new Map(), open: false };
  merge(root, resolvePointer(doc, pointer), doc, 0);
  settle(root);
  return root;
}

/** Paths of the body (`choices[].message.x`) that the tree does not name; bounded by `max`. */
export function undeclaredPaths(body: unknown, tree: DeclaredNode, max = 16): string[] {
  const out: string[] = [];
  // runs on every judged body: no entry arrays, and a child's path is built only when needed
  const walk = (v: unknown, n: DeclaredNode, path: string, depth: number) => {
    if (out.length >= max || n.open || depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      if (n.items) for (let i = 0; i < v.length && i < 8; i++) walk(v[i], n.items, `${path}[]`, depth + 1);
      return;
    }
    if (!isObj(v)) return;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const c = n.props.get(k);
      const sub = (v as Record<string, unknown>)[k];
      if (!c) {
        const p = path === '' ? k : `${path}.${k}`;
        if (!out.includes(p)) out.push(p.length > 128 ? `${p.slice(0, 128)}…` : p);
        if (out.length >= max) return;
      } else if (!c.open && sub !== null && typeof sub === 'object')
        walk(sub, c, path === '' ? k : `${path}.${k}`, depth + 1);
    }
  };
  walk(body, tree, '', 0);
  return out;
}

/**
 * Declares `path` (`x_groq.usage`, `choices[].content_filter_results`) and, when the schema does not
 * describe it, everything below it:
 * the contract's usage locations and the provider's documented extra fields are not drift.
 */
export function declarePath(tree: DeclaredNode, path: string): void {
  let n = tree;
  let added = false;
  for (const part of path.split('.')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d*\])*)$/.exec(part);
    if (!m) return;
    let c = n.props.get(m[1]);
    if (!c) {
      n.props.set(m[1], (c = { props: new Map(), open: false }));
      added = true;
    }
    n = c;
    for (let k = 0; k < m[2].split('[').length - 1; k++) n = n.items ??= { props: new Map(), open: false };
  }
  // a field the schema already describes keeps the schema's tree (`usage` stays checked)
  if (added) n.open = true;
}
