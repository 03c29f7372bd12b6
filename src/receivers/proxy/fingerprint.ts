// SPDX-License-Identifier: Apache-2.0
// The request fingerprint of one proxied call (the guide's "compact schema fingerprint for every
// outbound call"): what was asked, never the prompt. Every value is bounded so it can become a
// label or attribute: roles from a fixed vocabulary, the client library as name/major version.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestInfo } from '../../model/call-record.js';
import { hmacId } from '../../util/hmac-id.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export interface FingerprintOptions {
  route: string;
  method: string;
  /** Tenant header (lower case) and the key its value is HMACed with; empty: no tenant. */
  tenantHeader: string;
  tenantKey: string;
  synthetic: { name: string; value: string };
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Client libraries named by their `User-Agent` (regexes built once: this runs on every call). */
const KNOWN_CLIENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^OpenAI\/(JS|Python|Go|Java|\.NET|Ruby)\s+v?(\d+)/i, 'openai-'],
  [/^(curl|python-requests|axios|node-fetch|undici|got|okhttp|Go-http-client|aiohttp|httpx)\/v?(\d+)/i, ''],
  [/^(litellm|langchain|llamaindex|driftwatch)\/v?(\d+)/i, ''],
];

/** `OpenAI/JS 6.49.0` → `openai-js/6`; `curl/8.5.0` → `curl/8`; anything else → `other`. */
export function clientLibraryOf(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const ua = userAgent.slice(0, 256);
  for (const [re, prefix] of KNOWN_CLIENTS) {
    const m = re.exec(ua);
    if (m) return `${prefix}${m[1].toLowerCase()}/${m[2]}`;
  }
  if (ua === 'node') return 'node';
  return 'other';
}

/** Client-stated deadline: the OpenAI SDKs send `X-Stainless-Timeout` in seconds. */
export function timeoutBudgetOf(h: IncomingHttpHeaders): number | undefined {
  const raw = header(h, 'x-stainless-timeout') ?? header(h, 'x-request-timeout');
  if (!raw || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  const ms = Number(raw) * 1000;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

/** Attempts before this one, as the OpenAI SDKs state them (`X-Stainless-Retry-Count`: 0, 1, 2…). */
export function clientRetryCountOf(h: IncomingHttpHeaders): number | undefined {
  const raw = header(h, 'x-stainless-retry-count');
  return raw !== undefined && /^\d{1,3}$/.test(raw.trim()) ? Number(raw) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The fingerprint from the headers and the parsed body (`undefined` when the body was not JSON
 * or above the judge limit). The parsed body is kept in `requestBody` for the request-schema
 * check; the redact processor drops it before any exporter.
 */
export function fingerprint(
  opts: FingerprintOptions,
  headers: IncomingHttpHeaders,
  body: unknown,
  bodyBytes: number,
): RequestInfo {
  const synthetic = opts.synthetic.name
    ? header(headers, opts.synthetic.name.toLowerCase()) === opts.synthetic.value
    : false;
  const info: RequestInfo = { method: opts.method, route: opts.route, synthetic, bodyBytes };
  const client = clientLibraryOf(header(headers, 'user-agent'));
  if (client) info.clientVersion = client;
  const budget = timeoutBudgetOf(headers);
  if (budget !== undefined) info.timeoutBudgetMs = budget;
  const retried = clientRetryCountOf(headers);
  if (retried !== undefined) info.clientRetryCount = retried;
  if (opts.tenantHeader && opts.tenantKey) {
    const t = header(headers, opts.tenantHeader);
    if (t) info.tenant = hmacId(opts.tenantKey, t);
  }
  if (body !== undefined) info.requestBody = body;
  if (!isObject(body)) return info;
  if (typeof body.model === 'string') info.model = body.model.slice(0, 128);
  if (typeof body.stream === 'boolean') info.stream = body.stream;
  if (isObject(body.stream_options) && typeof body.stream_options.include_usage === 'boolean')
    info.includeUsage = body.stream_options.include_usage;
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max === 'number' && Number.isFinite(max)) info.maxTokens = max;
  if (Array.isArray(body.messages)) {
    info.messageCount = body.messages.length;
    const roles = new Set<string>();
    for (const m of body.messages) {
      const role = isObject(m) ? m.role : undefined;
      roles.add(typeof role === 'string' && ROLES.has(role) ? role : 'other');
    }
    info.roles = [...roles].sort();
  }
  return info;
}
