// SPDX-License-Identifier: Apache-2.0
// The proxy receiver over real loopback HTTP: forwarding unchanged (bytes, headers, redirects),
// proxy-side failures as OpenAI error envelopes, limits, the path allow-list, and the records it
// hands on the side, fail-open, to a consumer that may be slow or refuse.
import { expect } from 'chai';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { consumerFromFn } from '../src/component/consumer.js';
import type { CallRecord } from '../src/model/call-record.js';
import { proxyReceiverFactory, validateProxyConfig } from '../src/receivers/proxy/index.js';
import { ProxyReceiver } from '../src/receivers/proxy/proxy-receiver.js';
import type { ProxyReceiverConfig } from '../src/receivers/proxy/config.js';
import { clientLibraryOf, clientRetryCountOf } from '../src/receivers/proxy/fingerprint.js';
import { ProviderSimulator } from '../src/simulator/server.js';
import { parseScenario } from '../src/simulator/scenario.js';
import { nopHost, testSettings } from '../src/testing/nop-host.js';
import { SelfMetrics } from '../src/telemetry/self-metrics.js';

const KEY = 'sk-proxy-test-secret-0123456789';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  chunks: number;
}

function call(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts),
          chunks: parts.length,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 's' },
      { role: 'user', content: 'say pong' },
    ],
    max_tokens: 8,
    ...extra,
  });

// every suite below runs twice: forwarding in the agent's thread, then on a thread of its own
let forwardThread = false;

async function startProxy(
  cfg: Partial<ProxyReceiverConfig>,
  consume: (b: CallRecord[]) => Promise<void> = async () => {},
  metrics = new SelfMetrics(),
): Promise<{ proxy: ProxyReceiver; base: string; metrics: SelfMetrics }> {
  const config = {
    ...proxyReceiverFactory.createDefaultConfig(),
    endpoint: '127.0.0.1:0',
    forward_thread: forwardThread,
    ...cfg,
  };
  expect(validateProxyConfig(config)).to.deep.equal([]);
  const proxy = new ProxyReceiver(
    testSettings('receiver', 'proxy/test', { metrics }),
    config,
    consumerFromFn(async (b) => consume(b)),
  );
  await proxy.start(nopHost(metrics));
  return { proxy, base: `http://127.0.0.1:${proxy.address!.port}`, metrics };
}

async function until<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const ownThread of [false, true]) {
  const mode = ownThread ? ' (forward_thread: true)' : '';
  describe(`proxy receiver${mode}`, function () {
    this.timeout(30_000);
    before(() => (forwardThread = ownThread));
    let sim: ProviderSimulator;
    let simBase: string;
    const seen: IncomingHttpHeaders[] = [];
    let echo: Server;
    let echoBase: string;
    before(async () => {
      sim = new ProviderSimulator(
        parseScenario({
          api_key: KEY,
          latency: { ttfb: { value: 5 }, first_token: { value: 5 }, chunk_gap: { value: 20 } },
        }),
      );
      simBase = (await sim.start()).replace(/\/v1$/, '');
      // An upstream that shows what it was sent, redirects on /moved, and answers in chunks.
      echo = createServer((req, res) => {
        seen.push(req.headers);
        const parts: Buffer[] = [];
        req.on('data', (c: Buffer) => parts.push(c));
        req.on('end', () => {
          if (req.url?.startsWith('/moved')) {
            res.writeHead(307, { location: 'https://elsewhere.example/v1/chat/completions?k=1' });
            return res.end();
          }
          res.writeHead(200, {
            'content-type': 'application/json',
            connection: 'keep-alive, x-hop',
            'x-hop': 'drop me',
            'keep-alive': 'timeout=5',
            'x-upstream': 'kept',
            'set-cookie': ['a=1', 'b=2'],
          });
          res.end(
            JSON.stringify({ url: req.url, method: req.method, body: Buffer.concat(parts).toString() }),
          );
        });
      });
      echoBase = `http://127.0.0.1:${await listen(echo)}`;
    });
    after(async () => {
      await sim.stop();
      echo.close();
    });

    it('forwards method, path, query, headers (Authorization too) and body; drops only hop-by-hop fields', async () => {
      const { proxy, base } = await startProxy({ upstream: `${echoBase}/prefix` });
      try {
        const res = await call(`${base}/v1/models/x?a=1&b=two`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${KEY}`,
            'x-custom': 'v',
            connection: 'keep-alive, x-secret-hop',
            'x-secret-hop': 'gone',
            'content-type': 'text/plain',
          },
          body: 'raw body bytes',
        });
        expect(res.status).to.equal(200);
        const echoed = JSON.parse(res.body.toString()) as { url: string; method: string; body: string };
        expect(echoed).to.deep.equal({
          url: '/prefix/v1/models/x?a=1&b=two',
          method: 'PUT',
          body: 'raw body bytes',
        });
        const h = seen[seen.length - 1]!;
        expect(h.authorization).to.equal(`Bearer ${KEY}`);
        expect(h['x-custom']).to.equal('v');
        expect(h['content-type']).to.equal('text/plain');
        expect(h['x-secret-hop']).to.equal(undefined);
        expect(h.host).to.equal(new URL(echoBase).host);
        // response: end-to-end fields kept (both cookies), hop-by-hop ones and those Connection names dropped
        expect(res.headers['x-upstream']).to.equal('kept');
        expect(res.headers['set-cookie']).to.deep.equal(['a=1', 'b=2']);
        expect(res.headers['x-hop']).to.equal(undefined);
        expect(res.headers['keep-alive']).to.not.equal('timeout=5');
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('times DNS and connect for the call that opened its connection, none for one on a kept-alive one', async () => {
      const records: CallRecord[] = [];
      const { proxy, base, metrics } = await startProxy(
        { upstream: simBase.replace('127.0.0.1', 'localhost') },
        async (b) => {
          records.push(...b);
        },
      );
      try {
        for (let i = 0; i < 2; i++)
          await call(`${base}/v1/chat/completions`, {
            body: chat(),
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          });
        await until(() => records[1]);
        const [opened, reused] = records.map((r) => r.timings);
        expect(opened.dnsMs).to.be.a('number').and.at.least(0);
        expect(opened.connectMs).to.be.a('number').and.at.least(0);
        expect(opened.tlsMs).to.equal(undefined);
        expect(opened.ttfbMs).to.be.at.least(opened.dnsMs! + opened.connectMs!);
        expect(reused).to.not.have.any.keys('dnsMs', 'connectMs', 'tlsMs');
        expect(reused.ttfbMs).to.be.a('number');
        expect(metrics.sum('driftwatch_proxy_upstream_connections_total')).to.equal(1);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('never follows a redirect: the 3xx reaches the client as sent', async () => {
      const { proxy, base } = await startProxy({ upstream: echoBase, judge_paths: ['/moved*'] });
      try {
        const res = await call(`${base}/moved/x`, { body: chat() });
        expect(res.status).to.equal(307);
        expect(res.headers.location).to.equal('https://elsewhere.example/v1/chat/completions?k=1');
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('answers 502 with an OpenAI error envelope naming the cause when the upstream is unreachable', async () => {
      const closed = createServer();
      const port = await listen(closed);
      closed.close();
      const records: CallRecord[] = [];
      const { proxy, base } = await startProxy({ upstream: `http://127.0.0.1:${port}` }, async (b) => {
        records.push(...b);
      });
      try {
        const res = await call(`${base}/v1/chat/completions`, {
          body: chat(),
          headers: { authorization: `Bearer ${KEY}` },
        });
        expect(res.status).to.equal(502);
        const body = JSON.parse(res.body.toString()) as {
          error: { code: string; type: string; message: string };
        };
        expect(body.error.code).to.equal('upstream_unreachable');
        expect(body.error.type).to.equal('proxy_error');
        expect(body.error.message).to.match(/ECONNREFUSED/);
        // a refused connection may pass on the next try: the SDKs keep their own retry
        expect(res.headers['x-should-retry']).to.equal(undefined);
        expect(body.error.message).to.not.include(KEY);
        const r = await until(() => records[0]);
        expect(r.transportError?.code).to.equal('ECONNREFUSED');
        // the phase a probe would name: the connection never opened
        expect(r.transportError?.phase).to.equal('connect');
        expect(r.response.status).to.equal(undefined);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('answers 502 upstream_bad_response, naming the parse error, to an answer that can be read two ways', async () => {
      // both framings: a proxy that picked one would hand the client a body the upstream did not mean
      let asked = 0;
      const raw = createNetServer((s) => {
        s.once('data', () => {
          asked++;
          s.end(
            'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n' +
              'transfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
          );
        });
      });
      const rawPort = await listen(raw);
      const records: CallRecord[] = [];
      const { proxy, base } = await startProxy(
        { upstream: `http://127.0.0.1:${rawPort}` },
        async (b) => void records.push(...b),
      );
      try {
        const res = await call(`${base}/v1/chat/completions`, { body: chat() });
        expect(res.status).to.equal(502);
        expect(res.headers['x-driftwatch-proxy-error']).to.equal('upstream_bad_response');
        // a retry would repeat it (and the upstream may have run the call): the SDKs are told not to
        expect(res.headers['x-should-retry']).to.equal('false');
        const body = JSON.parse(res.body.toString()) as { error: { code: string; message: string } };
        expect(body.error.code).to.equal('upstream_bad_response');
        expect(body.error.message).to.match(/cannot be read \(HPE_INVALID_RESPONSE: both Transfer-Encoding/);
        const r = await until(() => records[0]);
        expect(r.transportError).to.include({ code: 'HPE_INVALID_RESPONSE', phase: 'headers' });
        // the openai SDK retries a 502 twice by default; it obeys the header and asks once
        asked = 0;
        const sdk = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY });
        const err = (await sdk.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
          .catch((e: unknown) => e)) as { status?: number; code?: string };
        expect([err.status, err.code]).to.deep.equal([502, 'upstream_bad_response']);
        expect(asked).to.equal(1);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
        raw.close();
      }
    });

    it('refuses a request above max_request_bytes with 413, and other paths when other_paths: refuse', async () => {
      const { proxy, base } = await startProxy({
        upstream: echoBase,
        max_request_bytes: 2048,
        other_paths: 'refuse',
      });
      try {
        const big = await call(`${base}/v1/chat/completions`, { body: chat({ pad: 'x'.repeat(5000) }) });
        expect(big.status).to.equal(413);
        expect((JSON.parse(big.body.toString()) as { error: { code: string } }).error.code).to.equal(
          'request_too_large',
        );
        const other = await call(`${base}/v1/embeddings`, { body: '{}' });
        expect(other.status).to.equal(404);
        expect((JSON.parse(other.body.toString()) as { error: { code: string } }).error.code).to.equal(
          'path_not_allowed',
        );
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('non-stream: the same answer shape as a direct call, and a record with the fingerprint and the response', async () => {
      const records: CallRecord[] = [];
      const { proxy, base } = await startProxy(
        { upstream: simBase, tenant: { header: 'x-tenant', hmac_key: 'k-tenant-hmac-key' } },
        async (b) => {
          records.push(...b);
        },
      );
      try {
        const headers = {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'user-agent': 'OpenAI/JS 6.49.0',
          'x-stainless-timeout': '600',
          'x-tenant': 'tenant-walnut',
          'x-simulator-seed': '1',
        };
        const direct = await call(`${simBase}/v1/chat/completions`, { body: chat(), headers });
        const via = await call(`${base}/v1/chat/completions`, { body: chat(), headers });
        expect(via.status).to.equal(direct.status);
        const strip = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;
        const a = strip(direct.body);
        const v = strip(via.body);
        expect(Object.keys(v)).to.deep.equal(Object.keys(a));
        expect((v.choices as unknown[]).length).to.equal((a.choices as unknown[]).length);
        const r = await until(() => records[0]);
        expect(r.source).to.equal('proxy');
        expect(r.request).to.include({
          method: 'POST',
          route: '/v1/chat/completions',
          model: 'gpt-4o-mini',
          messageCount: 2,
          maxTokens: 8,
          timeoutBudgetMs: 600_000,
          clientVersion: 'openai-js/6',
          synthetic: false,
        });
        expect(r.request.roles).to.deep.equal(['system', 'user']);
        expect(r.request.tenant).to.match(/^h:[0-9a-f]{24}$/);
        expect(r.response.status).to.equal(200);
        expect(r.response.parse).to.equal('json');
        expect(r.response.usage?.totalTokens).to.be.a('number');
        expect(r.response.finishReasons).to.deep.equal(['stop']);
        expect(r.timings.ttfbMs).to.be.a('number');
        expect(r.timings.totalMs).to.be.at.least(r.timings.ttfbMs!);
        expect(JSON.stringify(r.response.headers)).to.not.include(KEY);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('stream: chunks reach the client as they come (not buffered), and the record holds the stream facts', async () => {
      const records: CallRecord[] = [];
      const { proxy, base } = await startProxy({ upstream: simBase }, async (b) => {
        records.push(...b);
      });
      try {
        const headers = {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'x-request-source': 'synthetic-contract-probe',
        };
        const body = chat({ stream: true, stream_options: { include_usage: true } });
        const arrivals: number[] = [];
        const t0 = Date.now();
        const res = await new Promise<{ status: number; text: string; type: string }>((resolve, reject) => {
          const req = httpRequest(`${base}/v1/chat/completions`, { method: 'POST', headers }, (r) => {
            let text = '';
            r.on('data', (c: Buffer) => {
              arrivals.push(Date.now() - t0);
              text += c.toString();
            });
            r.on('end', () =>
              resolve({ status: r.statusCode ?? 0, text, type: String(r.headers['content-type']) }),
            );
          });
          req.on('error', reject);
          req.end(body);
        });
        expect(res.status).to.equal(200);
        expect(res.type).to.include('text/event-stream');
        expect(res.text).to.include('data: [DONE]');
        // the simulator leaves 20 ms between chunks: a buffering proxy would deliver them in one go
        expect(arrivals.length).to.be.greaterThan(2);
        expect(arrivals[arrivals.length - 1]! - arrivals[0]!).to.be.greaterThan(20);
        const r = await until(() => records[0]);
        expect(r.request.stream).to.equal(true);
        expect(r.request.includeUsage).to.equal(true);
        expect(r.request.synthetic).to.equal(true);
        expect(r.response.parse).to.equal('sse');
        expect(r.response.stream?.sawDone).to.equal(true);
        expect(r.response.stream?.anomalies).to.deep.equal([]);
        expect(r.timings.firstTokenMs).to.be.a('number');
        expect(r.timings.chunkGapsMs!.length).to.be.greaterThan(0);
        expect(r.response.usage?.origin).to.be.a('string');
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('fail-open: a pipeline that refuses or stalls never touches the call; drops are counted', async () => {
      const refusing = await startProxy({ upstream: simBase }, async () => {
        throw new Error('pipeline full');
      });
      try {
        const res = await call(`${refusing.base}/v1/chat/completions`, {
          body: chat(),
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        });
        expect(res.status).to.equal(200);
        await until(
          () =>
            refusing.metrics.sum('driftwatch_proxy_records_dropped_total', { reason: 'pipeline_refused' }) ===
              1 || undefined,
        );
      } finally {
        await refusing.proxy.shutdown({ deadline: Date.now() + 2000 });
      }
      let release!: () => void;
      const stuck = new Promise<void>((r) => (release = r));
      const slow = await startProxy({ upstream: simBase, max_pending_records: 1 }, () => stuck);
      try {
        const started = Date.now();
        for (let i = 0; i < 8; i++) {
          const res = await call(`${slow.base}/v1/chat/completions`, {
            body: chat(),
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          });
          expect(res.status).to.equal(200);
        }
        expect(Date.now() - started, 'calls did not wait for the stuck pipeline').to.be.lessThan(5000);
        // counts reach the agent's registry with the forwarding thread's next batch (≤ 20 ms)
        await until(() => slow.metrics.sum('driftwatch_proxy_calls_total') === 8 || undefined);
        expect(
          slow.metrics.sum('driftwatch_proxy_records_dropped_total', { reason: 'pipeline_slow' }),
        ).to.be.greaterThan(0);
      } finally {
        release();
        await slow.proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('a body above the judge limit passes through whole and unjudged (counted)', async () => {
      const records: CallRecord[] = [];
      const big = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', pad: 'y'.repeat(4000) }));
      });
      const port = await listen(big);
      const { proxy, base, metrics } = await startProxy(
        { upstream: `http://127.0.0.1:${port}`, max_body_bytes: 1024 },
        async (b) => {
          records.push(...b);
        },
      );
      try {
        const res = await call(`${base}/v1/chat/completions`, { body: chat() });
        expect(res.body.length).to.be.greaterThan(4000);
        const r = await until(() => records[0]);
        expect(r.response.parse).to.equal('not_read');
        expect(r.response.truncated).to.equal(true);
        expect(metrics.sum('driftwatch_proxy_unjudged_calls_total', { reason: 'body_limit' })).to.equal(1);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
        big.close();
      }
    });

    it('sample: 0 makes no record but every call is still counted', async () => {
      const records: CallRecord[] = [];
      const { proxy, base, metrics } = await startProxy({ upstream: simBase, sample: 0 }, async (b) => {
        records.push(...b);
      });
      try {
        for (let i = 0; i < 3; i++)
          await call(`${base}/v1/chat/completions`, {
            body: chat(),
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          });
        await new Promise((r) => setTimeout(r, 100));
        expect(records).to.deep.equal([]);
        expect(metrics.sum('driftwatch_proxy_calls_total', { status_class: '2xx' })).to.equal(3);
        expect(metrics.sum('driftwatch_proxy_unjudged_calls_total', { reason: 'sampled_out' })).to.equal(3);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('config mistakes name the key', () => {
      const d = proxyReceiverFactory.createDefaultConfig();
      const keys = (c: Record<string, unknown>) =>
        validateProxyConfig({ ...d, ...c } as typeof d).map((p) => p.path.join('.'));
      expect(keys({})).to.deep.equal(['upstream']);
      expect(keys({ upstream: 'ftp://x' })).to.deep.equal(['upstream']);
      expect(keys({ upstream: 'https://u:p@x' })).to.deep.equal(['upstream']);
      expect(keys({ upstream: 'https://x', endpoint: 'nope' })).to.deep.equal(['endpoint']);
      expect(keys({ upstream: 'https://x', tenant: { header: 'x-t', hmac_key: '' } })).to.deep.equal([
        'tenant.hmac_key',
      ]);
      expect(d.endpoint.startsWith('127.0.0.1:')).to.equal(true);
      expect(d.tls.insecure_skip_verify).to.equal(false);
    });

    it('client library from User-Agent and the SDK retry count are bounded', () => {
      expect(clientLibraryOf('OpenAI/JS 6.49.0')).to.equal('openai-js/6');
      expect(clientRetryCountOf({ 'x-stainless-retry-count': '2' })).to.equal(2);
      expect(clientRetryCountOf({ 'x-stainless-retry-count': '-1' })).to.equal(undefined);
      expect(clientRetryCountOf({ 'x-stainless-retry-count': '1e9' })).to.equal(undefined);
      expect(clientRetryCountOf({})).to.equal(undefined);
      expect(clientLibraryOf('OpenAI/Python 1.51.0')).to.equal('openai-python/1');
      expect(clientLibraryOf('curl/8.5.0')).to.equal('curl/8');
      expect(clientLibraryOf('Mozilla/5.0 something 12345')).to.equal('other');
      expect(clientLibraryOf(undefined)).to.equal(undefined);
    });
  });

  describe(`proxy receiver: failures after and before the headers, client aborts, back-pressure${mode}`, function () {
    before(() => (forwardThread = ownThread));
    this.timeout(30_000);
    let up: Server;
    let upBase: string;
    const BIG_CHUNKS = 1024;
    let bigWritten = 0;
    before(async () => {
      // /cut: headers and one chunk, then a reset; /slow-headers: never answers;
      // /forever: a stream that never ends; /big: 64 MiB in 64 KiB chunks, more than every socket
      // buffer on the way can hold (so an upstream that is never held back writes it all at once)
      up = createServer((req, res) => {
        req.resume();
        if (req.url === '/v1/chat/completions?cut=1') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: {"choices":[]}\n\n');
          setTimeout(() => res.socket?.destroy(), 30);
        } else if (req.url === '/v1/chat/completions?thinking=1') {
          // a stream's headers at once, its first event 400 ms later (a model thinking)
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.flushHeaders();
          setTimeout(() => res.end('data: {"choices":[]}\n\ndata: [DONE]\n\n'), 400);
        } else if (req.url === '/v1/chat/completions?slow-headers=1') {
          // no answer: the proxy's `timeout` fires
        } else if (req.url === '/v1/chat/completions?forever=1') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const t = setInterval(() => res.write('data: {"choices":[]}\n\n'), 10);
          res.on('close', () => clearInterval(t));
        } else {
          const chunk = Buffer.alloc(64 * 1024, 'a');
          res.writeHead(200, {
            'content-type': 'application/octet-stream',
            'content-length': BIG_CHUNKS * chunk.length,
          });
          let n = 0;
          bigWritten = 0;
          const more = (): void => {
            while (n < BIG_CHUNKS) {
              n++;
              bigWritten += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', more);
            }
            res.end();
          };
          more();
        }
      });
      upBase = `http://127.0.0.1:${await listen(up)}`;
    });
    after(() => up.close());

    it('an upstream reset after the headers cuts the client and is recorded as a body error', async () => {
      const records: CallRecord[] = [];
      const { proxy, base } = await startProxy({ upstream: upBase }, async (b) => void records.push(...b));
      try {
        const err = await call(`${base}/v1/chat/completions?cut=1`, { body: chat({ stream: true }) }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err, 'the client sees the cut').to.be.instanceOf(Error);
        const r = await until(() => records[0]);
        expect(r.transportError?.phase).to.equal('body');
        expect(r.response.status).to.equal(200);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it("a stream's headers reach the client as soon as the upstream sends them, before its first event", async () => {
      const { proxy, base } = await startProxy({ upstream: upBase });
      try {
        const t0 = performance.now();
        const { headersAt, bodyAt } = await new Promise<{ headersAt: number; bodyAt: number }>(
          (resolve, reject) => {
            const req = httpRequest(`${base}/v1/chat/completions?thinking=1`, { method: 'POST' }, (res) => {
              const headersAt = performance.now() - t0;
              res.once('data', () => resolve({ headersAt, bodyAt: performance.now() - t0 }));
              res.on('error', reject);
            });
            req.on('error', reject);
            req.end(chat({ stream: true }));
          },
        );
        expect(bodyAt, 'the first event waits for the upstream').to.be.at.least(390);
        expect(headersAt, 'the headers do not wait for it').to.be.below(bodyAt - 200);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('no headers within `timeout`: 504 upstream_timeout in the error envelope', async () => {
      const records: CallRecord[] = [];
      const { proxy, base } = await startProxy(
        { upstream: upBase, timeout: 200 },
        async (b) => void records.push(...b),
      );
      try {
        const res = await call(`${base}/v1/chat/completions?slow-headers=1`, { body: chat() });
        expect(res.status).to.equal(504);
        expect(res.headers['x-driftwatch-proxy-error']).to.equal('upstream_timeout');
        expect(JSON.parse(res.body.toString()).error.type).to.equal('proxy_error');
        const r = await until(() => records[0]);
        expect(r.transportError).to.include({ code: 'timeout', phase: 'headers' });
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('a client that leaves mid-stream: the upstream call is cut, the record is 499 client_abort', async () => {
      const records: CallRecord[] = [];
      const metrics = new SelfMetrics();
      const { proxy, base } = await startProxy(
        { upstream: upBase },
        async (b) => void records.push(...b),
        metrics,
      );
      try {
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest(`${base}/v1/chat/completions?forever=1`, { method: 'POST' }, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', () => {});
          req.setTimeout(5_000, () => reject(new Error('no chunk through the proxy within 5 s')));
          req.end(chat({ stream: true }));
        });
        const r = await until(() => records[0]);
        expect(r.response.status).to.equal(499);
        expect(metrics.sum('driftwatch_proxy_unjudged_calls_total', { reason: 'client_abort' })).to.equal(1);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });

    it('a slow client holds the upstream back (back-pressure instead of buffering) and gets every byte', async () => {
      const { proxy, base } = await startProxy({ upstream: upBase, judge_paths: ['/nothing'] });
      const total = BIG_CHUNKS * 64 * 1024;
      try {
        const seen: number[] = [];
        const got = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${base}/big`, { method: 'GET' }, (res) => {
            let n = 0;
            res.once('data', () => {
              // a client that stops reading for 600 ms: what the upstream wrote meanwhile is read twice
              res.pause();
              setTimeout(() => seen.push(bigWritten), 300);
              setTimeout(() => {
                seen.push(bigWritten);
                res.resume();
              }, 600);
            });
            res.on('data', (c: Buffer) => void (n += c.length));
            res.on('end', () => resolve(n));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end();
        });
        expect(got, 'every byte arrives').to.equal(total);
        // held back: the upstream stopped writing while the client did not read, well short of the end
        expect(seen[1], 'upstream bytes written while the client paused').to.be.below(total / 2);
        expect(seen[1], 'no upstream progress during the pause').to.equal(seen[0]);
      } finally {
        await proxy.shutdown({ deadline: Date.now() + 2000 });
      }
    });
  });
}
