// SPDX-License-Identifier: Apache-2.0
// RFC 9110 §7.6.1: a proxy removes the hop-by-hop fields (and every field the Connection header
// names) before forwarding; everything else, Authorization included, passes unchanged.
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // meant for this proxy, which asks for none
  'proxy-authorization',
  'proxy-authenticate',
]);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const out = new Set<string>();
  if (!value) return out;
  for (const v of Array.isArray(value) ? value : [value])
    for (const t of v.split(',')) {
      const name = t.trim().toLowerCase();
      if (name) out.add(name);
    }
  return out;
}

/**
 * Request fields to send upstream, as a flat [name, value, ...] list in the client's order and
 * casing. Host goes (the upstream's own is set by the client library), Content-Length and
 * Expect too: the body is sent whole, with its length recomputed by the upstream client (the
 * proxy's own, or undici through an HTTP(S) proxy) from the same bytes.
 */
export function forwardRequestHeaders(raw: readonly string[], connection: string | undefined): string[] {
  const named = connectionTokens(connection);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(k) || named.has(k) || k === 'host' || k === 'content-length' || k === 'expect')
      continue;
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** Response fields to send back to the client. */
export function forwardResponseHeaders(
  h: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = connectionTokens(h.connection);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (HOP_BY_HOP.has(key) || named.has(key)) continue;
    out[k] = v;
  }
  return out;
}
