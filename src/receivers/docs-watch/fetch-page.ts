// SPDX-License-Identifier: Apache-2.0
// One polite, bounded GET of a documentation page: conditional validators, a User-Agent that
// names the tool, a deadline for headers and body, a size cap, and a few redirects (no
// credentials are ever sent here, so following them is safe).
import { Agent, EnvHttpProxyAgent, interceptors, request } from 'undici';
import type { Dispatcher } from 'undici';
import { DeadlineSignal } from '../../util/abort.js';

export interface FetchOptions {
  userAgent: string;
  timeoutMs: number;
  maxBodyBytes: number;
  etag?: string;
  lastModified?: string;
  /** Aborted at shutdown so a slow page never holds the agent up. */
  signal?: AbortSignal;
}

export type FetchResult =
  | { kind: 'not_modified' }
  | { kind: 'ok'; text: string; contentType?: string; etag?: string; lastModified?: string; bytes: number }
  | { kind: 'http_error'; status: number; retryAfterMs?: number }
  | { kind: 'failed'; reason: 'timeout' | 'connection' | 'too_large'; code: string };

/** Honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case) when set, like the other HTTP clients. */
export function createDispatcher(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const opts = { connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy;
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy;
  const base =
    httpProxy || httpsProxy
      ? new EnvHttpProxyAgent({ ...opts, httpProxy, httpsProxy, noProxy: env.NO_PROXY ?? env.no_proxy ?? '' })
      : new Agent(opts);
  return base.compose(interceptors.redirect({ maxRedirections: 5 }));
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from now. */
export function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function fetchPage(
  url: string,
  opts: FetchOptions,
  dispatcher: Dispatcher,
): Promise<FetchResult> {
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: 'text/html, text/markdown, text/plain;q=0.9, */*;q=0.5',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  // not AbortSignal.any(): with the receiver's long-lived shutdown signal it leaks (util/abort.ts)
  const deadline = new DeadlineSignal(opts.timeoutMs, opts.signal);
  const signal = deadline.signal;
  try {
    const res = await request(url, { method: 'GET', headers, dispatcher, signal });
    if (res.statusCode === 304) {
      await res.body.dump();
      return { kind: 'not_modified' };
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      return {
        kind: 'http_error',
        status: res.statusCode,
        retryAfterMs: parseRetryAfter(header(res.headers, 'retry-after')),
      };
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).length;
      if (bytes > opts.maxBodyBytes) {
        res.body.destroy();
        return { kind: 'failed', reason: 'too_large', code: 'body_limit' };
      }
      chunks.push(chunk as Buffer);
    }
    return {
      kind: 'ok',
      text: Buffer.concat(chunks).toString('utf8'),
      contentType: header(res.headers, 'content-type'),
      etag: header(res.headers, 'etag'),
      lastModified: header(res.headers, 'last-modified'),
      bytes,
    };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { name?: string };
    if (opts.signal?.aborted) return { kind: 'failed', reason: 'connection', code: 'aborted' };
    const timedOut =
      deadline.timedOut ||
      e.name === 'TimeoutError' ||
      /Timeout/i.test(e.code ?? '') ||
      /Timeout/.test(e.name ?? '');
    return timedOut
      ? { kind: 'failed', reason: 'timeout', code: 'timeout' }
      : { kind: 'failed', reason: 'connection', code: boundedCode(e) };
  } finally {
    deadline.dispose();
  }
}

function boundedCode(e: NodeJS.ErrnoException): string {
  const c = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof c === 'string' && /^[A-Z_]{3,40}$/.test(c) ? c : 'connection_error';
}
