// SPDX-License-Identifier: Apache-2.0
// The provider simulator: an OpenAI-compatible chat-completions server on loopback whose
// latencies, errors and drift follow a scenario. Deterministic for a seed and a request order.
// Used by `driftwatch simulate`, the demo, the tests and the benchmarks.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { AccessLog } from './access-log.js';
import { deepBody, longStream, manyChoicesBody, manyKeysBody } from './hostile.js';
import { sample, seededRng } from './rng.js';
import type { Rng } from './rng.js';
import { ALL_MODES, pickMode, STREAM_ONLY } from './scenario.js';
import type { Scenario } from './scenario.js';
import { chunkBody, completionBody, ERROR_TEMPLATES, HTML_PAGE } from './templates.js';

const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const HUGE_BODY_BYTES = 10 * 1024 * 1024;
const MODE_HEADER = 'x-simulator-mode';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Called for every served request (tests, demo output). */
  onServed?: (e: { mode: string; status: number; stream: boolean }) => void;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  started: number;
  bytes: number;
  closed: boolean;
  timers: Set<NodeJS.Timeout>;
  /** Pending waits, resolved with false when the client goes away. */
  waiters: Set<(ok: boolean) => void>;
  mode: string;
  stream: boolean;
}

export class ProviderSimulator {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly rng: Rng;
  private readonly log?: AccessLog;
  private startedAt = 0;
  private seq = 0;
  /** How many requests were served, by mode. */
  readonly served = new Map<string, number>();

  constructor(
    readonly scenario: Scenario,
    private readonly opts: SimulatorOptions = {},
  ) {
    this.rng = seededRng(scenario.seed);
    if (scenario.access_log) this.log = new AccessLog(scenario.access_log);
  }

  /** Listens on 127.0.0.1 (port 0 = a free port); resolves with the base URL (`…/v1`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    this.startedAt = performance.now();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.port}/v1`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
    await this.log?.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const x: Exchange = {
      req,
      res,
      started: performance.now(),
      bytes: 0,
      closed: false,
      timers: new Set(),
      waiters: new Set(),
      mode: 'normal',
      stream: false,
    };
    res.on('close', () => {
      x.closed = true;
      for (const t of x.timers) clearTimeout(t);
      for (const w of x.waiters) w(false);
      x.waiters.clear();
      this.logServed(x);
    });
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return this.send(x, 200, 'text/plain', 'ok\n');
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      // CometAPI answers a wrong path with a redirect to its web console (see llm-contract.md).
      return this.send(x, 301, 'text/html', HTML_PAGE, { location: 'https://www.cometapi.com/console/' });
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) parts.push(c);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (size > MAX_REQUEST_BYTES) return this.error(x, 'error_400');
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      this.route(x, body);
    });
  }

  private route(x: Exchange, body: Record<string, unknown> | undefined): void {
    const s = this.scenario;
    x.stream = body?.stream === true;
    const forced = s.header_override ? String(x.req.headers[MODE_HEADER] ?? '') : '';
    const u = this.rng();
    let mode =
      forced && ALL_MODES.includes(forced)
        ? forced
        : pickMode(s, performance.now() - this.startedAt, u, x.stream);
    if (STREAM_ONLY.has(mode) && !x.stream) mode = 'normal';
    if (s.api_key && x.req.headers.authorization !== `Bearer ${s.api_key}`) mode = 'error_401';
    else if (!body || typeof body !== 'object') mode = 'error_400';
    else if (typeof body.model !== 'string' || body.model === '') mode = 'error_400_model_required';
    else if (!s.models.includes(body.model) && !forced) mode = s.unknown_model;
    else if (!Array.isArray(body.messages))
      mode = s.unknown_model === 'error_500_invalid_request' ? 'error_500_invalid_request' : 'error_400';
    x.mode = mode;
    const ttfb = sample(s.latency.ttfb, this.rng);
    const model = typeof body?.model === 'string' ? body.model : s.models[0];
    const includeUsage =
      typeof body?.stream_options === 'object' &&
      body.stream_options !== null &&
      (body.stream_options as Record<string, unknown>).include_usage === true;
    this.later(x, ttfb, () => this.respond(x, model, includeUsage));
  }

  private respond(x: Exchange, model: string, includeUsage: boolean): void {
    const mode = x.mode;
    // an interim 100 the request never asked for (legal, RFC 9110 §15.2), then the normal answer
    if (mode === 'continue_100' && !x.closed) x.res.writeContinue();
    if (mode in ERROR_TEMPLATES) return this.error(x, mode);
    switch (mode) {
      case 'hang':
        return; // accepts, never answers
      case 'reset':
        x.req.socket.destroy();
        return;
      case 'html_200':
        return this.send(x, 200, 'text/html; charset=utf-8', HTML_PAGE);
      case 'redirect_301':
        return this.send(x, 301, 'text/html', HTML_PAGE, { location: 'https://www.cometapi.com/console/' });
      case 'empty_body':
        return this.send(x, 200, 'application/json', '');
      case 'invalid_json':
        return this.send(
          x,
          200,
          'application/json',
          '{"id":"chatcmpl-sim","object":"chat.completion","choices":[{"message":',
        );
      case 'gzip': {
        const json = Buffer.from(JSON.stringify(this.completion(model, 'normal')));
        return this.send(x, 200, 'application/json', gzipSync(json), { 'content-encoding': 'gzip' });
      }
      case 'huge_body':
        return this.huge(x);
      case 'body_never_ends':
        return this.neverEnds(x);
      case 'sse_garbage':
        return this.garbage(x);
      case 'deep_body':
        return this.send(x, 200, 'application/json', deepBody(model));
      case 'many_choices':
        return this.send(x, 200, 'application/json', manyChoicesBody(model));
      case 'many_keys':
        return this.send(x, 200, 'application/json', manyKeysBody(model));
      case 'long_stream':
        return this.send(x, 200, 'text/event-stream; charset=utf-8', longStream(model));
    }
    if (x.stream) return void this.stream(x, model, includeUsage);
    const first = sample(this.scenario.latency.first_token, this.rng);
    // Non-streamed answers arrive whole: generation time is part of the time to first byte.
    this.later(x, first, () =>
      this.send(x, 200, 'application/json', JSON.stringify(this.completion(model, mode))),
    );
  }

  private completion(model: string, mode: string): Record<string, unknown> {
    const b = completionBody({
      id: this.nextId(),
      created: Math.floor(Date.now() / 1000),
      model,
      content: this.scenario.answer,
    });
    const choice = (b.choices as Array<Record<string, unknown>>)[0];
    const message = choice.message as Record<string, unknown>;
    const usage = b.usage as Record<string, number>;
    switch (mode) {
      case 'usage_missing':
        delete b.usage;
        break;
      case 'usage_null':
        b.usage = null;
        break;
      case 'total_below_prompt':
        usage.total_tokens = usage.prompt_tokens - 5;
        break;
      case 'empty_choices':
        b.choices = [];
        break;
      case 'missing_content':
        delete message.content;
        break;
      case 'unknown_finish_reason':
        choice.finish_reason = 'end_turn';
        break;
      case 'new_field':
        b.provider_routing = { region: 'us-east', upstream: 'sim-upstream-1' };
        break;
      case 'missing_refusal':
        delete message.refusal; // servers that never send it (CometAPI 2025, Groq, llama.cpp)
        break;
      case 'renamed_field':
        choice.stop_reason = choice.finish_reason;
        delete choice.finish_reason;
        break;
    }
    return b;
  }

  private async stream(x: Exchange, model: string, includeUsage: boolean): Promise<void> {
    const s = this.scenario;
    const mode = x.mode;
    const id = this.nextId();
    const created = Math.floor(Date.now() / 1000);
    this.head(x, 200, 'text/event-stream; charset=utf-8', { 'cache-control': 'no-cache' });
    const chunk = (delta: Record<string, unknown>, finish: string | null) => {
      const c = chunkBody({ id, created, model, delta, finish });
      if (mode === 'new_field') c.provider_routing = { region: 'us-east' };
      if (mode === 'empty_choices') c.choices = [];
      if (includeUsage && mode !== 'usage_missing') c.usage = null;
      if (mode === 'renamed_field' && finish) {
        const ch = (c.choices as Array<Record<string, unknown>>)[0];
        ch.stop_reason = ch.finish_reason;
        delete ch.finish_reason;
      }
      return `data: ${JSON.stringify(c)}\n\n`;
    };
    this.write(x, chunk({ role: 'assistant', content: '', refusal: null }, null));
    if (!(await this.wait(x, sample(s.latency.first_token, this.rng)))) return;
    const pieces = split(s.answer, s.chunks);
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && !(await this.wait(x, sample(s.latency.chunk_gap, this.rng)))) return;
      this.write(x, chunk(mode === 'missing_content' ? {} : { content: pieces[i] }, null));
      if (i === 0 && mode === 'stream_stall') return; // keeps the connection open, sends nothing more
      if (i === 0 && mode === 'stream_never_ends') {
        // keeps sending content chunks, never a finish chunk or [DONE]
        while (await this.wait(x, Math.max(20, sample(s.latency.chunk_gap, this.rng)))) {
          this.write(x, chunk({ content: '.' }, null));
        }
        return;
      }
      if (i === 0 && mode === 'stream_cut') return void x.res.end();
      if (i === 0 && mode === 'stream_error_event') {
        const err = {
          error: { message: 'upstream error mid-stream', type: 'server_error', code: 'stream_error' },
        };
        this.write(x, `data: ${JSON.stringify(err)}\n\n`);
        if (this.rng() < 0.5) this.write(x, 'data: [DONE]\n\n');
        return void x.res.end();
      }
      if (i === 0 && (mode === 'stream_error_invalid_request' || mode === 'stream_error_rate_limit')) {
        // one error event in a 200 stream, no [DONE] (how @dwmkerr/mock-llm and LiteLLM send it)
        const err =
          mode === 'stream_error_invalid_request'
            ? {
                message: 'Invalid value for messages[0].role.',
                type: 'invalid_request_error',
                code: 'invalid_value',
              }
            : { message: 'Rate limit reached for requests.', type: 'requests', code: 'rate_limit_exceeded' };
        this.write(x, `data: ${JSON.stringify({ error: { ...err, param: null } })}\n\n`);
        return void x.res.end();
      }
    }
    if (!(await this.wait(x, sample(s.latency.chunk_gap, this.rng)))) return;
    this.write(x, chunk({}, mode === 'unknown_finish_reason' ? 'end_turn' : 'stop'));
    if (includeUsage && mode !== 'usage_missing') {
      const u: Record<string, unknown> = {
        prompt_tokens: 29,
        completion_tokens: pieces.length,
        total_tokens: 29 + pieces.length,
      };
      if (mode === 'total_below_prompt') u.total_tokens = 24;
      const c = chunkBody({ id, created, model, delta: {}, finish: null });
      c.choices = [];
      c.usage = mode === 'usage_null' ? null : u;
      this.write(x, `data: ${JSON.stringify(c)}\n\n`);
    }
    this.write(x, 'data: [DONE]\n\n');
    x.res.end();
  }

  private error(x: Exchange, mode: string): void {
    const t = ERROR_TEMPLATES[mode];
    this.send(x, t.status, 'application/json', JSON.stringify(t.body), t.headers);
  }

  private huge(x: Exchange): void {
    this.head(x, 200, 'application/json');
    const block = Buffer.alloc(64 * 1024, 0x61);
    this.write(x, '{"id":"chatcmpl-huge","padding":"');
    let sent = 0;
    const pump = () => {
      while (!x.closed && sent < HUGE_BODY_BYTES) {
        sent += block.length;
        if (!this.write(x, block)) return void x.res.once('drain', pump);
      }
      if (!x.closed) {
        this.write(x, '"}');
        x.res.end();
      }
    };
    pump();
  }

  private neverEnds(x: Exchange): void {
    this.head(x, 200, 'application/json');
    this.write(x, '{"id":"chatcmpl-slow","object":"chat.completion",');
    const drip = () => {
      if (x.closed) return;
      this.write(x, ' ');
      this.later(x, 200, drip);
    };
    this.later(x, 200, drip);
  }

  private garbage(x: Exchange): void {
    this.head(x, 200, 'text/event-stream');
    this.write(
      x,
      'HTTP/1.1 502 Bad Gateway\r\n<html>upstream\x00\x01 error</html>\nnot an event\n{"half":\n\n',
    );
    x.res.end();
  }

  private nextId(): string {
    return `chatcmpl-sim${(++this.seq).toString(36).padStart(6, '0')}`;
  }

  private head(x: Exchange, status: number, type: string, headers: Record<string, string> = {}): void {
    if (x.closed || x.res.headersSent) return;
    x.res.writeHead(status, {
      'content-type': type,
      'x-request-id': `req_sim_${this.seq.toString(16)}_${Math.floor(x.started).toString(16)}`,
      'openai-processing-ms': String(Math.round(performance.now() - x.started)),
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-remaining-requests': '9999',
      ...headers,
    });
    x.res.flushHeaders();
  }

  private write(x: Exchange, data: string | Buffer): boolean {
    if (x.closed) return false;
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    x.bytes += b.length;
    return x.res.write(b);
  }

  private send(
    x: Exchange,
    status: number,
    type: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void {
    if (x.closed) return;
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    this.head(x, status, type, { 'content-length': String(b.length), ...headers });
    if (b.length) this.write(x, b);
    x.res.end();
  }

  private later(x: Exchange, ms: number, fn: () => void): void {
    if (x.closed) return;
    const t = setTimeout(() => {
      x.timers.delete(t);
      if (!x.closed) fn();
    }, ms);
    x.timers.add(t);
  }

  /** Resolves true after `ms`, false at once if the client went away. */
  private wait(x: Exchange, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (x.closed) return resolve(false);
      const t = setTimeout(() => {
        x.timers.delete(t);
        x.waiters.delete(resolve);
        resolve(!x.closed);
      }, ms);
      x.timers.add(t);
      x.waiters.add(resolve);
    });
  }

  private logServed(x: Exchange): void {
    const status = x.res.headersSent ? x.res.statusCode : 499;
    this.served.set(x.mode, (this.served.get(x.mode) ?? 0) + 1);
    this.opts.onServed?.({ mode: x.mode, status, stream: x.stream });
    this.log?.write({
      remote: x.req.socket.remoteAddress ?? '-',
      time: new Date(),
      method: x.req.method ?? '-',
      url: x.req.url ?? '/',
      httpVersion: x.req.httpVersion,
      status,
      bytes: x.bytes,
      userAgent: String(x.req.headers['user-agent'] ?? ''),
      requestTimeMs: performance.now() - x.started,
    });
  }
}

function split(text: string, n: number): string[] {
  const words = text.split(/(?<=\s)/);
  if (words.length >= n) {
    const per = Math.ceil(words.length / n);
    const out: string[] = [];
    for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
    return out;
  }
  const per = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += per) out.push(text.slice(i, i + per));
  return out.length ? out : [text];
}
