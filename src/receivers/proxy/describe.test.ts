// SPDX-License-Identifier: Apache-2.0
// A call recorded on the forwarding thread and described on the agent's must make the record the
// agent's thread makes as the call goes by: the same inputs both ways, the records compared whole.
import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import type { CallRecord, TransportError } from '../../model/call-record.js';
import { sampleRecord } from '../../testing/compliance.js';
import { CallDescriber, packBytes, ResponseRecorder } from './describe.js';
import type { OpenedConnection } from './http1/http1-pool.js';
import { proxyReceiverFactory } from './index.js';

interface Call {
  request: string;
  headers?: Record<string, string>;
  status?: number;
  responseHeaders?: Record<string, string>;
  reads?: Buffer[];
  error?: TransportError;
  clientAborted?: boolean;
  /** The call opened its connection. */
  connect?: OpenedConnection;
}

const URL_ = 'http://127.0.0.1:9/v1/chat/completions';
const cfg = {
  ...proxyReceiverFactory.createDefaultConfig(),
  upstream: 'http://127.0.0.1:9',
  max_body_bytes: 2048,
  tenant: { header: 'X-Tenant', hmac_key: 'tenant-key-0123456789' },
};
const d = new CallDescriber('proxy/t', cfg, false);
const facts = (c: Call) => ({
  startWall: 1_700_000_000_000,
  route: '/v1/chat/completions',
  method: 'POST',
  headers: { authorization: 'Bearer sk-describe-test-0123456789', ...c.headers },
  bodyBytes: Buffer.byteLength(c.request),
  connect: c.connect,
});

/** As the forwarder describes a call in the agent's thread. */
function live(c: Call): { record: CallRecord; unjudged: string[] } {
  const unjudged: string[] = [];
  const body = Buffer.from(c.request);
  const parsed = d.parseRequest(body);
  const o = d.observer(parsed);
  if (c.status !== undefined) o.headers(c.status, c.responseHeaders ?? {}, 1, URL_);
  (c.reads ?? []).forEach((b, i) => o.chunk(b, 2 + i));
  const obs = o.end(9, c.error, c.clientAborted ?? false);
  return { record: d.record({ ...facts(c), parsed }, obs, (r) => unjudged.push(r)), unjudged };
}

/** As the forwarding thread records it and the agent's thread describes it. */
function recorded(c: Call): { record: CallRecord; unjudged: string[] } {
  const unjudged: string[] = [];
  const rec = new ResponseRecorder(cfg.max_body_bytes);
  if (c.status !== undefined) rec.onHeaders(c.status, c.responseHeaders ?? {}, 1);
  (c.reads ?? []).forEach((b, i) => rec.onData(b, 2 + i));
  const body = Buffer.from(c.request);
  const f = facts(c);
  const call = rec.finish({
    ...f,
    headers: d.fingerprintHeaders(f.headers),
    body: d.keepsBody(body.length) ? body : undefined,
    url: URL_,
    totalMs: 9,
    transportError: c.error,
    clientAborted: c.clientAborted ?? false,
  });
  // what crosses the threads: a structured clone, the bytes packed into one transferred buffer
  const [moved] = structuredClone([call], { transfer: [packBytes([call])] });
  return { record: d.describe(moved, (r) => unjudged.push(r)), unjudged };
}

const ask = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
const askStream = JSON.stringify({ model: 'm', messages: [{ role: 'system', content: 's' }], stream: true });
const answer = JSON.stringify(sampleRecord().response.body); // a chat completion
const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const stream =
  sse({
    id: 'c',
    object: 'chat.completion.chunk',
    model: 'm',
    choices: [{ index: 0, delta: { content: 'po' } }],
  }) +
  sse({
    id: 'c',
    object: 'chat.completion.chunk',
    model: 'm',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
  }) +
  'data: [DONE]\n\n';
const json = { 'content-type': 'application/json', 'x-request-id': 'req_1', 'set-cookie': 'x=1' };

const cases: Array<[string, Call]> = [
  ['a JSON answer', { request: ask, status: 200, responseHeaders: json, reads: [Buffer.from(answer)] }],
  [
    "an OpenAI SDK's second attempt (X-Stainless-Retry-Count: 1) that succeeded",
    {
      request: ask,
      headers: { 'x-stainless-retry-count': '1' },
      status: 200,
      responseHeaders: json,
      reads: [Buffer.from(answer)],
    },
  ],
  [
    'a JSON answer on a connection the call opened (DNS, connect, TLS)',
    {
      request: ask,
      status: 200,
      responseHeaders: json,
      reads: [Buffer.from(answer)],
      connect: { dnsMs: 0.4, connectMs: 1.5, tlsMs: 6.25, tls: { certDaysLeft: 41.5, protocol: 'TLSv1.3' } },
    },
  ],
  [
    'a JSON answer in three reads, with tenant, synthetic marker and client library',
    {
      request: ask,
      headers: {
        'x-tenant': 'acme',
        'x-request-source': 'synthetic-contract-probe',
        'user-agent': 'OpenAI/JS 6.1.0',
        'x-stainless-timeout': '30',
      },
      status: 200,
      responseHeaders: json,
      reads: [
        Buffer.from(answer.slice(0, 10)),
        Buffer.from(answer.slice(10, 40)),
        Buffer.from(answer.slice(40)),
      ],
    },
  ],
  [
    'a stream cut inside an event',
    {
      request: askStream,
      status: 200,
      responseHeaders: { 'content-type': 'text/event-stream' },
      reads: [Buffer.from(stream.slice(0, 50)), Buffer.from(stream.slice(50))],
    },
  ],
  [
    'a gzipped answer',
    {
      request: ask,
      status: 200,
      responseHeaders: { ...json, 'content-encoding': 'gzip' },
      reads: [gzipSync(answer)],
    },
  ],
  [
    'an answer above the judge limit',
    {
      request: ask,
      status: 200,
      responseHeaders: json,
      reads: [Buffer.alloc(1500, 32), Buffer.alloc(1500, 32)],
    },
  ],
  [
    'an error envelope',
    {
      request: ask,
      status: 429,
      responseHeaders: json,
      reads: [Buffer.from('{"error":{"type":"rate_limit"}}')],
    },
  ],
  ['no answer (refused)', { request: ask, error: { code: 'ECONNREFUSED', phase: 'headers', message: 'x' } }],
  [
    'a body cut after the headers',
    {
      request: ask,
      status: 200,
      responseHeaders: json,
      reads: [Buffer.from('{"id"')],
      error: { code: 'ECONNRESET', phase: 'body' },
    },
  ],
  [
    'a client that left',
    {
      request: askStream,
      status: 200,
      responseHeaders: { 'content-type': 'text/event-stream' },
      reads: [Buffer.from(stream.slice(0, 30))],
      clientAborted: true,
    },
  ],
  [
    'a request that is not JSON',
    { request: 'not json', status: 400, responseHeaders: json, reads: [Buffer.from('{}')] },
  ],
  [
    'a request above the judge limit',
    {
      request: `{"x":"${'a'.repeat(3000)}"}`,
      status: 200,
      responseHeaders: json,
      reads: [Buffer.from(answer)],
    },
  ],
];

describe('proxy: a recorded call is described as the live one', () => {
  for (const [name, c] of cases)
    it(name, () => {
      const a = live(c);
      const b = recorded(c);
      expect(b.record).to.deep.equal(a.record);
      expect(b.unjudged).to.deep.equal(a.unjudged);
      if (c.connect) {
        const { tls, ...phases } = c.connect;
        expect(a.record.timings).to.include(phases);
        expect(a.record.tls).to.deep.equal(tls);
      }
      if (c.headers?.['x-stainless-retry-count'])
        expect(a.record.retry).to.deep.equal({ attempts: 2, succeededAfterFailure: true, perAttempt: true });
    });

  it('keeps only the headers a fingerprint reads (never Authorization)', () => {
    const kept = d.fingerprintHeaders({
      authorization: 'Bearer sk-x',
      cookie: 'c',
      'user-agent': 'curl/8.5.0',
      'x-tenant': 't',
    });
    expect(kept).to.deep.equal({ 'user-agent': 'curl/8.5.0', 'x-tenant': 't' });
  });

  it('a recorder past the judge limit keeps nothing, and counts every byte', () => {
    const rec = new ResponseRecorder(10);
    rec.onData(Buffer.alloc(8), 1);
    rec.onData(Buffer.alloc(8), 2);
    rec.onData(Buffer.alloc(8), 3);
    expect([rec.reads.length, rec.readsAtMs.length, rec.bytes]).to.deep.equal([0, 0, 24]);
  });

  it("packs a batch's bytes into one buffer, each body and read a view of it, in order", () => {
    const rec = new ResponseRecorder(100);
    const shared = Buffer.from('xxheadbodyxx');
    rec.onData(shared.subarray(2, 6), 1);
    rec.onData(shared.subarray(6, 10), 2);
    const a = rec.finish({
      ...facts({ request: '{}' }),
      headers: {},
      body: Buffer.from('{}'),
      url: URL_,
      totalMs: 3,
      clientAborted: false,
    });
    const b = new ResponseRecorder(100).finish({
      ...facts({ request: '' }),
      headers: {},
      url: URL_,
      totalMs: 1,
      clientAborted: false,
    });
    const buf = packBytes([a, b]);
    expect(buf.byteLength).to.equal(10);
    expect([a.body!, ...a.reads].map((v) => [v.buffer === buf, Buffer.from(v).toString()])).to.deep.equal([
      [true, '{}'],
      [true, 'head'],
      [true, 'body'],
    ]);
    expect(b.reads).to.deep.equal([]);
  });
});
