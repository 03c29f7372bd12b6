// SPDX-License-Identifier: Apache-2.0
// Answers the proxy itself gives (upstream unreachable, request too large, path refused), in the
// OpenAI error envelope so SDKs surface them like any API error, naming the cause.
import type { ServerResponse } from 'node:http';

export type ProxyErrorCode =
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_bad_response'
  | 'internal_error'
  | 'request_too_large'
  | 'path_not_allowed'
  | 'proxy_shutting_down';

/**
 * Answers a retry would only repeat: the upstream answered, but not in a form that can be read
 * one way only. `x-should-retry: false` is read by the OpenAI SDKs (Stainless), which otherwise
 * retry every 5xx; the record's class says the same (`upstream` / `invalid_response`, not retried).
 */
const NOT_RETRIED: ReadonlySet<ProxyErrorCode> = new Set(['upstream_bad_response']);

export function sendProxyError(
  res: ServerResponse,
  status: number,
  code: ProxyErrorCode,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    error: { message: `driftwatch proxy: ${message}`, type: 'proxy_error', param: null, code },
  });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-driftwatch-proxy-error': code,
    ...(NOT_RETRIED.has(code) ? { 'x-should-retry': 'false' } : {}),
  });
  res.end(body);
}

/** An undici/Node error message without anything that could be a credential. */
export function sanitizeError(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m
    .replace(/Bearer\s+\S+/gi, 'Bearer [REDACTED]')
    .replace(/\/\/[^/@\s]*@/g, '//[REDACTED]@')
    .slice(0, 200);
}
