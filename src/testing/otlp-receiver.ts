// SPDX-License-Identifier: Apache-2.0
// Test double: a real OTLP/HTTP receiver on 127.0.0.1 (port 0). It decodes with a decoder that
// is not the encoder: protobufjs over the OTLP .proto files of Debian's opentelemetry-proto
// package (.ci/install.d/55-otlp-proto.sh), JSON as proto3 JSON checked against the same types,
// and can be scripted to misbehave (429 + Retry-After, 503, 400, 413, connection reset, hang,
// partial success) for fault tests.
/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP requests are untyped protobufjs output */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/** Where .ci/install.d/55-otlp-proto.sh unpacks Debian's opentelemetry-proto. */
export const OTLP_PROTO_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../.cache/otlp-proto/usr/include',
);
const SERVICES = ['trace', 'metrics', 'logs'].map(
  (s) => `opentelemetry/proto/collector/${s}/v1/${s}_service.proto`,
);
const INSTALL_HINT = 'bash .ci/install.d/55-otlp-proto.sh';

/** The Debian package version of the .proto files in use (for test titles and reports). */
export function otlpProtoVersion(): string | undefined {
  try {
    return readFileSync(join(OTLP_PROTO_DIR, '../../VERSION'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

let loaded: any;
function protoRoot(): any {
  if (loaded) return loaded;
  if (!existsSync(join(OTLP_PROTO_DIR, SERVICES[0])))
    throw new Error(
      `OTLP .proto files not found under ${OTLP_PROTO_DIR}; install them with: ${INSTALL_HINT}`,
    );
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string) => join(OTLP_PROTO_DIR, target);
  root.loadSync(SERVICES);
  root.resolveAll();
  loaded = root.lookup('opentelemetry.proto.collector');
  return loaded;
}

/** Suites that decode OTLP call this in `before`: skips loudly outside CI, fails under CI=true. */
export function requireOtlpProto(ctx: Mocha.Context): void {
  if (existsSync(join(OTLP_PROTO_DIR, SERVICES[0]))) return;
  const reason = `Debian's opentelemetry-proto .proto files are missing (${OTLP_PROTO_DIR}); install them with: ${INSTALL_HINT}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  process.stderr.write(`\n  !!! SKIPPING suite "${ctx.test?.parent?.title ?? 'otlp'}": ${reason}\n\n`);
  ctx.skip();
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'partial'; rejected: number; message: string };

export interface ReceivedRequest {
  signal: 'traces' | 'metrics' | 'logs';
  /** The request path as sent (per-signal endpoints are used as they are). */
  path: string;
  contentType: string;
  contentEncoding: string;
  headers: IncomingMessage['headers'];
  /** Decompressed raw body (to look for secrets byte by byte). */
  raw: Buffer;
  /** Decoded request as a plain object (proto3 JSON-like: ids as hex, enums as numbers). */
  body: any;
  at: number;
}

const TYPE_NAMES = {
  traces: 'trace.v1.ExportTraceServiceRequest',
  metrics: 'metrics.v1.ExportMetricsServiceRequest',
  logs: 'logs.v1.ExportLogsServiceRequest',
} as const;
const RESPONSE_NAMES = {
  traces: 'trace.v1.ExportTraceServiceResponse',
  metrics: 'metrics.v1.ExportMetricsServiceResponse',
  logs: 'logs.v1.ExportLogsServiceResponse',
} as const;
const typeOf = (name: string): any => protoRoot().lookupType(name);

/** Keys of an OTLP/JSON object that its proto type does not have (receivers ignore them; we flag them). */
function unknownFields(o: unknown, type: any, at: string): string[] {
  if (Array.isArray(o)) return o.flatMap((x, i) => unknownFields(x, type, `${at}[${i}]`));
  if (!o || typeof o !== 'object' || !type?.fields) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const f = type.fields[k];
    if (!f) out.push(`${at}.${k}`);
    else if (f.resolvedType?.fields) out.push(...unknownFields(v, f.resolvedType, `${at}.${k}`));
  }
  return out;
}

/** hex trace/span ids (OTLP/JSON) → base64 (protobufjs' bytes), to check JSON against the types. */
function base64Ids(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(base64Ids);
  if (o && typeof o === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o))
      out[k] =
        (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string'
          ? Buffer.from(v, 'hex').toString('base64')
          : base64Ids(v);
    return out;
  }
  return o;
}

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
  const t = typeOf(TYPE_NAMES[signal]);
  if (contentType.includes('json')) {
    const json = JSON.parse(raw.toString('utf8'));
    const unknown = unknownFields(json, t, '');
    if (unknown.length > 0)
      throw new Error(`OTLP/JSON fields unknown to ${TYPE_NAMES[signal]}: ${unknown.join(', ')}`);
    t.fromObject(base64Ids(json)); // throws on a value of the wrong type
    return hexIds(json);
  }
  return hexIds(t.toObject(t.decode(raw), { longs: String, enums: Number, bytes: String, defaults: false }));
}

export class OtlpTestReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Faults answered in order, one per request, before normal service resumes. */
  readonly faults: Fault[] = [];
  /** Extra paths and their signal, besides `…/v1/{traces,metrics,logs}`. */
  readonly routes = new Map<string, ReceivedRequest['signal']>();
  attempts = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private https = false;

  /** Listens on 127.0.0.1; with `tls` (key, cert, and ca + requestCert for mTLS) over HTTPS. */
  async start(port = 0, tls?: HttpsServerOptions): Promise<string> {
    protoRoot(); // fail at start, with the install hint, rather than answer 400 to everything
    this.https = tls !== undefined;
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    return this.url;
  }

  get url(): string {
    return `${this.https ? 'https' : 'http'}://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '';
    const routed = this.routes.get(path);
    const m = routed ? [path, routed] : /\/v1\/(traces|metrics|logs)$/.exec(path);
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
          path,
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
        const Resp = typeOf(RESPONSE_NAMES[signal]);
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
