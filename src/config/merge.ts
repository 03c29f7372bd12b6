// SPDX-License-Identifier: Apache-2.0
// Several --config files deep-merge (later wins, lists replace), then --set overrides.
import { parse as parseYamlScalar } from 'yaml';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

/**
 * `--set receivers.probe/x.model=gpt-4o` → a tree to merge. Keys split on `.` (or `::` when a
 * key itself holds a dot); the value is read as a YAML scalar or flow collection.
 */
export function parseSetFlag(
  flag: string,
): { tree: Record<string, unknown>; keys: string[] } | { error: string } {
  const eq = flag.indexOf('=');
  if (eq <= 0) return { error: `--set ${flag}: expected key.path=value` };
  const keyPath = flag.slice(0, eq);
  const keys = keyPath.includes('::') ? keyPath.split('::') : keyPath.split('.');
  // the key path only: the value may be a secret
  if (keys.some((k) => k === '')) return { error: `--set ${keyPath}: empty key in "${keyPath}"` };
  let value: unknown;
  try {
    value = parseYamlScalar(flag.slice(eq + 1));
  } catch {
    value = flag.slice(eq + 1);
  }
  const tree: Record<string, unknown> = {};
  let cur = tree;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) cur[k] = value;
    else cur = cur[k] = {} as Record<string, unknown>;
  });
  return { tree, keys };
}
