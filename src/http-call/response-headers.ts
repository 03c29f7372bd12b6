// SPDX-License-Identifier: Apache-2.0
// The response headers a probe keeps: request ids, rate limits, retry hints, content type and
// encoding. Everything else (cookies, auth challenges, internal routing) is dropped.

const EXACT = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'retry-after',
  'retry-after-ms',
  'x-request-id',
  'request-id',
  'x-oneapi-request-id',
  'apim-request-id',
  'openai-processing-ms',
  'openai-version',
  'x-envoy-upstream-service-time',
]);
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-oneapi-request-id', 'apim-request-id'];
const MAX_VALUE = 200;

export function allowListHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // runs on every probed and proxied call: no entry arrays
  for (const k in raw) {
    const v = raw[k];
    if (v === undefined || !Object.hasOwn(raw, k)) continue;
    const key = k.toLowerCase();
    if (!EXACT.has(key) && !key.startsWith('x-ratelimit-')) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    out[key] = value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) : value;
  }
  return out;
}

export function requestIdOf(headers: Record<string, string>): string | undefined {
  for (const h of REQUEST_ID_HEADERS) if (headers[h]) return headers[h];
  return undefined;
}

/** Origin (scheme://host:port) of a Location header, relative to the request URL; never the path or query. */
export function redirectOrigin(location: string | string[] | undefined, base: string): string | undefined {
  const loc = Array.isArray(location) ? location[0] : location;
  if (!loc) return undefined;
  try {
    return new URL(loc, base).origin;
  } catch {
    return 'invalid';
  }
}
