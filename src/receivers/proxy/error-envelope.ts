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
 * `retry: false` for an answer a retry would only repeat (an upstream answer that cannot be read,
 * a certificate that fails verification, a tunnel the HTTP(S) proxy refused): sent as
 * `x-should-retry: false`, which the OpenAI SDKs (Stainless) read instead of retrying every 5xx.
 */
export function sendProxyError(
  res: ServerResponse,
  status: number,
  code: ProxyErrorCode,
  message: string,
  retry = true,
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
    ...(retry ? {} : { 'x-should-retry': 'false' }),
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
