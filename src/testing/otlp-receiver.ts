// SPDX-License-Identifier: Apache-2.0
// Test double: a real OTLP/HTTP receiver on 127.0.0.1 (port 0). It decodes protobuf with the
// protobufjs-generated OTLP types shipped by @opentelemetry/otlp-transformer 0.57 (dev
// dependency `otlp-proto-057`), JSON as proto3 JSON, and can be scripted to misbehave
// (429 + Retry-After, 503, 400, 413, connection reset, hang, partial success) for fault tests.
/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP requests are untyped protobufjs output */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const root: any = require('otlp-proto-057/build/src/generated/root.js');
const svc = root.opentelemetry.proto.collector;

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'partial'; rejected: number; message: string };

export interface ReceivedRequest {
  signal: 'traces' | 'metrics' | 'logs';
  contentType: string;
  contentEncoding: string;
  headers: IncomingMessage['headers'];
  /** Decompressed raw body (to look for secrets byte by byte). */
  raw: Buffer;
  /** Decoded request as a plain object (proto3 JSON-like: ids as hex, enums as numbers). */
  body: any;
  at: number;
}

const TYPES = {
  traces: svc.trace.v1.ExportTraceServiceRequest,
  metrics: svc.metrics.v1.ExportMetricsServiceRequest,
  logs: svc.logs.v1.ExportLogsServiceRequest,
} as const;

function hexIds(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(hexIds);
  if (o && typeof o === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if ((k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string')
        out[k] =
          /^[0-9a-f]*$/.test(v) && v.length % 2 === 0 && v.length >= 16
            ? v
            : Buffer.from(v, 'base64').toString('hex');
      else out[k] = hexIds(v);
    }
    return out;
  }
  return o;
}

export function decodeOtlp(signal: ReceivedRequest['signal'], raw: Buffer, contentType: string): unknown {
  if (contentType.includes('json')) return hexIds(JSON.parse(raw.toString('utf8')));
  const t = TYPES[signal];
  return hexIds(t.toObject(t.decode(raw), { longs: String, enums: Number, bytes: String, defaults: false }));
}

export class OtlpTestReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Faults answered in order, one per request, before normal service resumes. */
  readonly faults: Fault[] = [];
  attempts = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const m = /^\/v1\/(traces|metrics|logs)$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.attempts++;
      if (!m) return void res.writeHead(404).end();
      const fault = this.faults.shift();
      if (fault?.kind === 'reset') return void req.socket.destroy();
      if (fault?.kind === 'hang') return; // never answers; the client's timeout must fire
      if (fault?.kind === 'status') {
        const h: Record<string, string> = { 'content-type': 'application/x-protobuf' };
        if (fault.retryAfter !== undefined) h['retry-after'] = fault.retryAfter;
        return void res.writeHead(fault.status, h).end();
      }
      const signal = m[1] as ReceivedRequest['signal'];
      const enc = String(req.headers['content-encoding'] ?? '');
      const ct = String(req.headers['content-type'] ?? '');
      let raw = Buffer.concat(chunks);
      try {
        if (enc === 'gzip') raw = gunzipSync(raw);
        const body = decodeOtlp(signal, raw, ct);
        this.requests.push({
          signal,
          contentType: ct,
          contentEncoding: enc,
          headers: req.headers,
          raw,
          body,
          at: Date.now(),
        });
      } catch {
        return void res.writeHead(400).end();
      }
      if (fault?.kind === 'partial') {
        const key =
          signal === 'traces'
            ? 'rejectedSpans'
            : signal === 'metrics'
              ? 'rejectedDataPoints'
              : 'rejectedLogRecords';
        const json = { partialSuccess: { [key]: fault.rejected, errorMessage: fault.message } };
        if (ct.includes('json'))
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        const Resp =
          signal === 'traces'
            ? svc.trace.v1.ExportTraceServiceResponse
            : signal === 'metrics'
              ? svc.metrics.v1.ExportMetricsServiceResponse
              : svc.logs.v1.ExportLogsServiceResponse;
        const buf = Resp.encode(Resp.fromObject(json)).finish();
        return void res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(buf));
      }
      res
        .writeHead(200, {
          'content-type': ct.includes('json') ? 'application/json' : 'application/x-protobuf',
        })
        .end();
    });
  }

  of(signal: ReceivedRequest['signal']): ReceivedRequest[] {
    return this.requests.filter((r) => r.signal === signal);
  }
  spans(): any[] {
    return this.of('traces').flatMap((r) =>
      (r.body.resourceSpans ?? []).flatMap((rs: any) =>
        (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? []),
      ),
    );
  }
  logRecords(): any[] {
    return this.of('logs').flatMap((r) =>
      (r.body.resourceLogs ?? []).flatMap((rl: any) =>
        (rl.scopeLogs ?? []).flatMap((sl: any) => sl.logRecords ?? []),
      ),
    );
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Attribute list → plain object. */
export function attrs(list: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    out[kv.key] =
      v.stringValue ??
      v.boolValue ??
      (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
      v.doubleValue ??
      (v.arrayValue
        ? (v.arrayValue.values ?? []).map((x: any) => x.stringValue ?? x.intValue ?? x.boolValue)
        : undefined);
  }
  return out;
}
