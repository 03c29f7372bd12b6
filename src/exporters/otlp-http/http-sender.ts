// SPDX-License-Identifier: Apache-2.0
// One OTLP/HTTP POST and its classification per the OTLP spec: 2xx ok (partial success counted,
// never retried); 429/502/503/504 and connection failures retryable (Retry-After as a floor);
// every other status permanent. Each failure carries its catalog code; retry.ts reads its mark.
import { gzipSync } from 'node:zlib';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request } from 'undici';
import type { Dispatcher } from 'undici';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import {
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { ExportErrorCode } from '../../component/errors.js';
import { DeadlineSignal } from '../../util/abort.js';
import type { Protocol, Signal, SignalTransport, Transport } from './endpoint.js';

export type Outcome =
  | { ok: true; status: number; rejected: number; message?: string }
  | { ok: false; code: ExportErrorCode; reason: string; status?: number; retryAfterMs?: number };

const RETRYABLE = new Set([429, 502, 503, 504]);
const MAX_RESPONSE = 4 * 1024 * 1024;

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unparsable. */
export function parseRetryAfter(v: string | string[] | undefined, now = Date.now()): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  if (/^\s*\d+\s*$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** The OTLP (de)serializers by protocol and signal (requests out, responses back). */
export const otlpSerializers = {
  'http/protobuf': {
    traces: ProtobufTraceSerializer,
    metrics: ProtobufMetricsSerializer,
    logs: ProtobufLogsSerializer,
  },
  'http/json': { traces: JsonTraceSerializer, metrics: JsonMetricsSerializer, logs: JsonLogsSerializer },
} as const;

function rejectedCount(signal: Signal, body: unknown): { rejected: number; message?: string } {
  const ps = (body as { partialSuccess?: Record<string, unknown> } | undefined)?.partialSuccess;
  if (!ps) return { rejected: 0 };
  const key =
    signal === 'traces'
      ? 'rejectedSpans'
      : signal === 'metrics'
        ? 'rejectedDataPoints'
        : 'rejectedLogRecords';
  const n = Number(ps[key] ?? 0);
  const message =
    typeof ps.errorMessage === 'string' && ps.errorMessage ? ps.errorMessage.slice(0, 200) : undefined;
  return { rejected: Number.isFinite(n) ? n : 0, message };
}

async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += (chunk as Buffer).length;
    if (n > cap) {
      body.destroy();
      return undefined;
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/**
 * The undici dispatcher of one signal: its TLS material, timeouts, and the proxy (proxy_url, else
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY through undici's EnvHttpProxyAgent).
 */
function dispatcherFor(t: SignalTransport, transport: Transport): Dispatcher {
  const tls = { ca: t.tls.ca, cert: t.tls.cert, key: t.tls.key };
  const common = { headersTimeout: t.timeoutMs, bodyTimeout: t.timeoutMs, keepAliveTimeout: 30_000 };
  const connect = { ...tls, timeout: t.timeoutMs };
  if (transport.proxyUrl)
    return new ProxyAgent({ uri: transport.proxyUrl, requestTls: tls, connect, ...common });
  const { httpProxy, httpsProxy, noProxy } = transport.proxyEnv;
  if (httpProxy || httpsProxy)
    return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy, requestTls: tls, connect, ...common });
  return new Agent({ connect, ...common });
}

export class HttpSender {
  private readonly dispatchers: Record<Signal, Dispatcher>;

  constructor(private readonly t: Transport) {
    this.dispatchers = {
      traces: dispatcherFor(t.signals.traces, t),
      metrics: dispatcherFor(t.signals.metrics, t),
      logs: dispatcherFor(t.signals.logs, t),
    };
  }

  async post(
    signal: Signal,
    payload: Uint8Array,
    protocol?: Protocol,
    abort?: AbortSignal,
  ): Promise<Outcome> {
    const st = this.t.signals[signal];
    const proto = protocol ?? st.protocol;
    const body = st.gzip ? gzipSync(payload) : payload;
    const contentType = proto === 'http/json' ? 'application/json' : 'application/x-protobuf';
    const headers: Record<string, string> = {
      ...st.headers,
      'content-type': contentType,
      'user-agent': this.t.userAgent,
    };
    if (st.gzip) headers['content-encoding'] = 'gzip';
    const deadline = new DeadlineSignal(st.timeoutMs, abort);
    try {
      return await this.exchange(signal, body, headers, deadline, abort);
    } finally {
      deadline.dispose();
    }
  }

  private async exchange(
    signal: Signal,
    body: Uint8Array,
    headers: Record<string, string>,
    deadline: DeadlineSignal,
    abort?: AbortSignal,
  ): Promise<Outcome> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.t.signals[signal].url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.dispatchers[signal],
        signal: deadline.signal,
      });
    } catch (err) {
      const e = err as { code?: string; name?: string };
      const reason = deadline.timedOut
        ? 'timeout'
        : abort?.aborted
          ? 'shutdown'
          : (e.code ?? e.name ?? 'connection_failed');
      return {
        ok: false,
        code: reason === 'shutdown' ? 'DW_ERR_SHUTTING_DOWN' : 'DW_ERR_EXPORT_RETRYABLE',
        reason,
      };
    }
    const status = res.statusCode;
    try {
      if (status >= 200 && status < 300) {
        const raw = await readCapped(res.body, MAX_RESPONSE);
        if (raw === undefined)
          return { ok: false, code: 'DW_ERR_EXPORT_PERMANENT', reason: 'response_too_large', status };
        if (raw.length === 0) return { ok: true, status, rejected: 0 };
        const ct = String(res.headers['content-type'] ?? '');
        try {
          const parsed = ct.includes('json')
            ? (JSON.parse(raw.toString('utf8')) as unknown)
            : otlpSerializers['http/protobuf'][signal].deserializeResponse(raw);
          return { ok: true, status, ...rejectedCount(signal, parsed) };
        } catch {
          return { ok: true, status, rejected: 0, message: 'unparsable response body' };
        }
      }
      await readCapped(res.body, 64 * 1024).catch(() => undefined);
      if (RETRYABLE.has(status)) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
        const throttled = status === 429 || retryAfterMs !== undefined;
        return {
          ok: false,
          code: throttled ? 'DW_ERR_EXPORT_THROTTLED' : 'DW_ERR_EXPORT_RETRYABLE',
          status,
          reason: `http_${status}`,
          retryAfterMs,
        };
      }
      return { ok: false, code: 'DW_ERR_EXPORT_PERMANENT', status, reason: `http_${status}` };
    } catch (err) {
      const e = err as { code?: string; name?: string };
      return {
        ok: false,
        code: 'DW_ERR_EXPORT_RETRYABLE',
        status,
        reason: deadline.timedOut ? 'timeout' : (e.code ?? 'body_failed'),
      };
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.dispatchers).map((d) => d.destroy().catch(() => undefined)));
  }
}
