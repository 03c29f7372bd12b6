// SPDX-License-Identifier: Apache-2.0
// Mistakes the component schemas cannot see, caught by `validate` before anything starts:
// reserved JavaScript key names, endpoint URLs and ports, and two listeners on one address.
import type { Kind } from '../component/component.js';
import { isPlainObject } from './merge.js';

/** Keys that would reach Object.prototype (or shadow it) when merged: never a setting. */
export const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface Found {
  path: (string | number)[];
  message: string;
}

/** Every reserved key in a parsed tree (YAML keeps `__proto__` as an own key; merging would drop it). */
export function reservedKeys(tree: unknown, path: (string | number)[] = [], out: Found[] = []): Found[] {
  if (Array.isArray(tree)) tree.forEach((v, i) => reservedKeys(v, [...path, i], out));
  else if (tree !== null && typeof tree === 'object') {
    for (const k of Object.keys(tree)) {
      if (RESERVED_KEYS.has(k))
        out.push({
          path: [...path, k],
          message: `key "${k}" is not allowed (a reserved JavaScript name, never a setting)`,
        });
      else reservedKeys((tree as Record<string, unknown>)[k], [...path, k], out);
    }
  }
  return out;
}

// Keys holding a URL the component sends to, by component type ('*' = any type).
const URL_KEYS: Record<string, string[]> = {
  otlp_http: ['endpoint', 'traces_endpoint', 'metrics_endpoint', 'logs_endpoint'],
  '*': ['base_url', 'upstream', 'proxy_url'],
};

/** `http(s)://host[:port]` with a port in range; `undefined` when fine. */
export function urlProblem(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    const port = /:(\d+)(\/|$)/.exec(value)?.[1];
    if (port && Number(port) > 65535) return `port ${port} is out of range (1-65535)`;
    return `${JSON.stringify(cut(value))} is not a URL (e.g. http://collector:4318)`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `scheme "${u.protocol.slice(0, -1)}" is not supported: use http:// or https://`;
  if (!u.hostname) return `${JSON.stringify(cut(value))} has no host`;
  return undefined;
}

/** `host:port` of a listener: port 0-65535 (0 = any free port). */
export function hostPortProblem(value: string): string | undefined {
  if (value.includes('://'))
    return `${JSON.stringify(cut(value))}: a listen address is host:port, without a scheme`;
  const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d+)$/.exec(value);
  if (!m) return undefined; // the schema's pattern reports the shape
  if (Number(m[2]) > 65535) return `port ${m[2]} is out of range (0-65535)`;
  return undefined;
}

/** Endpoint problems of one component block. */
export function endpointProblems(type: string, config: unknown): Found[] {
  if (!isPlainObject(config)) return [];
  const out: Found[] = [];
  const urlKeys = new Set([...(URL_KEYS[type] ?? []), ...URL_KEYS['*']]);
  for (const [k, v] of Object.entries(config)) {
    if (typeof v !== 'string' || v === '' || v.includes('${')) continue;
    if (urlKeys.has(k)) {
      const p = urlProblem(v);
      if (p) out.push({ path: [k], message: p });
    } else if (k === 'endpoint' || k.endsWith('_listen')) {
      const p = hostPortProblem(v);
      if (p) out.push({ path: [k], message: p });
    }
  }
  return out;
}

export interface Listener {
  /** Section path of the key, for the message (`extensions::health_check::endpoint`). */
  path: (string | number)[];
  host: string;
  port: number;
}

/** The address a component listens on: an `endpoint` of the form host:port (no scheme). */
export function listenerOf(kind: Kind, id: string, config: unknown): Listener | undefined {
  if (!isPlainObject(config) || typeof config.endpoint !== 'string') return undefined;
  const m = /^(\[[0-9a-fA-F:]+\]|[^:/\s]+):(\d+)$/.exec(config.endpoint);
  if (!m || Number(m[2]) === 0) return undefined;
  return { path: [`${kind}s`, id, 'endpoint'], host: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** Pairs of listeners that cannot both bind (same port, same host or a wildcard). */
export function listenerConflicts(listeners: Listener[]): Array<[Listener, Listener]> {
  const out: Array<[Listener, Listener]> = [];
  listeners.forEach((a, i) => {
    for (const b of listeners.slice(i + 1)) {
      if (a.port !== b.port) continue;
      const same = a.host === b.host || WILDCARD.has(a.host) || WILDCARD.has(b.host);
      const local = (h: string) => h === 'localhost' || h === '127.0.0.1';
      if (same || (local(a.host) && local(b.host))) out.push([a, b]);
    }
  });
  return out;
}

/** Long values are cut in messages: one pasted 1 MB value must not flood the terminal. */
export function cut(s: string, max = 120): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}
