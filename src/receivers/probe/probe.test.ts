// SPDX-License-Identifier: Apache-2.0
// The probe receiver over real loopback HTTP against the provider simulator (and a few tiny
// purpose-built servers): timings, records, every bad-input case of the issue, retry, budget.
import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerFromFn } from '../../component/consumer.js';
import { observeReceiverOutput } from '../../pipeline/observed.js';
import { TARGET_DECLARED_EVENT } from '../../signals/names.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { probeConfig, probeOnce } from '../../testing/probe-once.js';
import { ProviderSimulator } from '../../simulator/server.js';
import { parseScenario } from '../../simulator/scenario.js';
import { noProxyMatches, proxyFor } from '../../http-call/proxy-env.js';
import { probeReceiverFactory, validateProbeConfig } from './index.js';
import { ProbeReceiver } from './probe-receiver.js';

const once = (probe: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  probes: [{ name: 'p', interval: '1h', ...probe }],
  ...extra,
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

describe('probe receiver over loopback', function () {
  this.timeout(30_000);
  let sim: ProviderSimulator;
  let base: string;
  const served: Array<{ mode: string; status: number }> = [];
  before(async () => {
    sim = new ProviderSimulator(
      parseScenario({
        api_key: 'sk-test-secret-0123456789',
        unknown_model: 'error_500_invalid_request',
        latency: { ttfb: { value: 200 }, first_token: { value: 100 }, chunk_gap: { value: 5 } },
      }),
      { onServed: (e) => served.push(e) },
    );
    base = await sim.start();
  });
  after(() => sim.stop());
  const key = { api_key: 'sk-test-secret-0123456789' };
  const mode = (m: string) => ({ ...key, base_url: base, headers: { 'x-simulator-mode': m } });

  describe('timing accuracy (simulator: 200 ms to first byte, first token 100 ms later)', () => {
    // Tolerance: measured ≥ injected − 5 ms (timer granularity) and ≤ injected + 250 ms (a loaded
    // 2-core CI machine: event-loop delay on both ends, connection setup on a fresh socket).
    // Typical on an idle machine: +2..+15 ms.
    it('measures ttfb ≈ 200 ms and first content token ≈ 300 ms on a stream', async () => {
      const { records } = await probeOnce(once({ kind: 'chat_stream' }, { ...key, base_url: base }));
      const t = records[0].timings;
      expect(t.ttfbMs).to.be.within(195, 450);
      expect(t.firstTokenMs).to.be.within(295, 550);
      expect(t.firstTokenMs! - t.ttfbMs!).to.be.at.least(95);
      expect(t.firstEventMs).to.be.within(t.ttfbMs!, t.firstTokenMs!);
      expect(t.connectMs).to.be.a('number').and.below(1000);
      expect(t.dnsMs, 'an IP literal needs no DNS').to.equal(undefined);
      expect(t.totalMs).to.be.at.least(t.firstTokenMs!);
      expect(t.chunkCount).to.be.greaterThan(0);
    });
  });

  it('records a non-streaming probe: status, parsed body, usage, finish reasons, fingerprint, soft answer', async () => {
    const { records, metrics } = await probeOnce(once({ kind: 'chat' }, { ...key, base_url: base }));
    const r = records[0];
    expect(r.response).to.include({ status: 200, parse: 'json', model: 'gpt-4o-mini' });
    expect(r.response.usage).to.include({ promptTokens: 29, totalTokens: 31, origin: 'body' });
    expect(r.response.finishReasons).to.deep.equal(['stop']);
    expect(r.response.requestId).to.match(/^req_sim_/);
    expect(Object.keys(r.response.headers)).to.not.include('date');
    expect(r.request).to.include({
      method: 'POST',
      route: '/v1/chat/completions',
      synthetic: true,
      stream: false,
    });
    expect(r.request).to.include({
      messageCount: 1,
      maxTokens: 16,
      probe: 'p',
      probeKind: 'chat',
      promptSize: 'small',
    });
    expect(r.request.roles).to.deep.equal(['user']);
    expect(r.target).to.include({
      provider: 'local',
      endpoint: '/v1/chat/completions',
      serverAddress: '127.0.0.1',
    });
    expect(r.findings.answerMatched).to.equal(true);
    expect(JSON.stringify(r), 'the api key never lands in the record').to.not.include('sk-test-secret');
    // the probe's result plus the start-up `target.declared` event (records like watch events)
    expect(metrics.sum('driftwatch_receiver_accepted_records_total')).to.equal(2);
  });

  it('sends the synthetic marker, the bearer key and max_tokens; a wrong key gets 401', async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const srv = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{}}'));
    });
    const port = await listen(srv);
    try {
      await probeOnce(once({ kind: 'chat' }, { ...key, base_url: `http://127.0.0.1:${port}/v1` }));
      expect(seen[0]['x-request-source']).to.equal('synthetic-contract-probe');
      expect(seen[0].authorization).to.equal('Bearer sk-test-secret-0123456789');
      expect(seen[0].traceparent).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    } finally {
      srv.close();
    }
    const { records } = await probeOnce(
      once({ kind: 'chat' }, { api_key: 'sk-wrong-key-000000', base_url: base }),
    );
    expect(records[0].response.status).to.equal(401);
  });

  it('runs a large prompt beside the small one', async () => {
    const { records } = await probeOnce(
      once({ kind: 'chat', prompt_sizes: ['small', 'large'] }, { ...key, base_url: base }),
      {
        records: 2,
      },
    );
    expect(records.map((r) => r.request.promptSize)).to.deep.equal(['small', 'large']);
    expect(records[1].request.bodyBytes).to.be.greaterThan(records[0].request.bodyBytes! * 10);
  });

  it('invalid_request: a made-up model gets the CometAPI-style 500 invalid_request envelope', async () => {
    const { records } = await probeOnce(once({ kind: 'invalid_request' }, { ...key, base_url: base }));
    const r = records[0];
    expect(r.request.model).to.equal('driftwatch-probe-nonexistent-model');
    expect(r.response.status).to.equal(500);
    expect((r.response.body as { error: { code: string } }).error.code).to.equal('invalid_request');
    expect(r.findings.answerMatched).to.equal(undefined);
  });

  it('invalid_request with a malformed payload: the error contract comes back, no message fingerprint', async () => {
    const { records } = await probeOnce(
      once({ kind: 'invalid_request', invalid: 'payload' }, { ...key, base_url: base }),
    );
    expect(records[0].request.model).to.equal('gpt-4o-mini');
    expect(records[0].request.messageCount).to.equal(undefined);
    expect(records[0].response.status).to.equal(500);
  });

  it('usage probe captures usage; timeout_boundary uses its tight default deadline', async () => {
    const usage = await probeOnce(once({ kind: 'usage' }, { ...key, base_url: base }));
    expect(usage.records[0].response.usage?.totalTokens).to.equal(31);
    const tb = await probeOnce(once({ kind: 'timeout_boundary' }, mode('hang')));
    expect(tb.records[0].request.timeoutBudgetMs).to.equal(1000);
    expect(tb.records[0].transportError).to.include({ code: 'timeout', phase: 'headers' });
  });

  it('a record the pipeline refuses is gone (a probe keeps no checkpoint): refused and dropped, once each', async () => {
    const metrics = new SelfMetrics();
    const settings = testSettings('receiver', 'probe/test', { metrics });
    let refusedCalls = 0;
    const refusing = consumerFromFn(async (b) => {
      if (b.some((r) => r.event?.name === TARGET_DECLARED_EVENT)) return;
      refusedCalls++;
      throw new Error('sending queue is full');
    });
    const r = new ProbeReceiver(
      settings,
      probeConfig(once({ kind: 'chat' }, { ...key, base_url: base })),
      observeReceiverOutput(refusing, settings.telemetry),
      {},
    );
    await r.start(nopHost(metrics));
    const until = Date.now() + 10_000;
    while (refusedCalls < 1 && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
    await r.shutdown({ deadline: Date.now() + 5000 });
    expect(refusedCalls).to.equal(1);
    expect(metrics.sum('driftwatch_receiver_refused_records_total')).to.equal(1);
    expect(
      metrics.sum('driftwatch_component_dropped_records_total', { reason: 'refused_downstream' }),
    ).to.equal(1);
  });

  describe('bad input becomes a recorded outcome', () => {
    it('connection refused', async () => {
      const srv = createServer();
      const port = await listen(srv);
      await new Promise((r) => srv.close(r));
      const { records } = await probeOnce(
        once({ kind: 'chat' }, { base_url: `http://127.0.0.1:${port}/v1` }),
      );
      expect(records[0].transportError).to.include({ code: 'ECONNREFUSED', phase: 'connect' });
      expect(records[0].response.status).to.equal(undefined);
    });

    it('DNS failure (a real DNS server on loopback answering NXDOMAIN)', async () => {
      const dns = await nxdomainServer();
      try {
        const { records } = await probeOnce(
          once(
            { kind: 'chat' },
            { base_url: 'http://api.driftwatch-test.invalid/v1', dns_servers: [`127.0.0.1:${dns.port}`] },
          ),
        );
        expect(records[0].transportError).to.include({ code: 'ENOTFOUND', phase: 'dns' });
        expect(records[0].timings.dnsMs).to.be.a('number');
        expect(dns.queries()).to.be.greaterThan(0);
      } finally {
        dns.close();
      }
    });

    it('a server that accepts and never answers: timeout before headers', async () => {
      const { records } = await probeOnce(once({ kind: 'chat', timeout: '400ms' }, mode('hang')));
      expect(records[0].transportError).to.include({ code: 'timeout', phase: 'headers' });
      expect(records[0].timings.totalMs).to.be.within(390, 3000);
    });

    it('headers arrive but the body never ends: body_timeout at the deadline', async () => {
      const { records } = await probeOnce(once({ kind: 'chat', timeout: '800ms' }, mode('body_never_ends')));
      expect(records[0].response.status).to.equal(200);
      expect(records[0].transportError).to.include({ code: 'body_timeout', phase: 'body' });
      expect(records[0].response.parse).to.equal('not_read');
    });

    it('a 10 MB body stops at max_body_bytes', async () => {
      const { records } = await probeOnce(
        once({ kind: 'chat' }, { ...mode('huge_body'), max_body_bytes: 65536 }),
      );
      const r = records[0];
      expect(r.transportError?.code).to.equal('body_limit');
      expect(r.response.truncated).to.equal(true);
      expect(r.response.bodyBytes).to.be.below(65536 + 70_000);
    });

    for (const [m, parse] of [
      ['invalid_json', 'invalid_json'],
      ['empty_body', 'empty'],
      ['html_200', 'html'],
    ] as const) {
      it(`${m} → parse ${parse}`, async () => {
        const { records } = await probeOnce(once({ kind: 'chat' }, mode(m)));
        expect(records[0].response).to.include({ status: 200, parse });
        expect(records[0].response.body).to.equal(undefined);
        expect(records[0].transportError).to.equal(undefined);
      });
    }

    it("a gzip'd body is decoded and parsed", async () => {
      const { records } = await probeOnce(once({ kind: 'chat' }, mode('gzip')));
      expect(records[0].response).to.include({ parse: 'json' });
      expect(records[0].response.headers['content-encoding']).to.equal('gzip');
      expect(records[0].response.usage?.totalTokens).to.equal(31);
    });

    it('an SSE stream of garbage → garbage anomaly, no events', async () => {
      const { records } = await probeOnce(once({ kind: 'chat_stream' }, mode('sse_garbage')));
      const s = records[0].response.stream!;
      expect(records[0].response.parse).to.equal('sse');
      expect(s.events).to.equal(0);
      expect(s.anomalies).to.include.members(['garbage', 'no_done']);
    });

    it('a stream cut without [DONE] → no_done', async () => {
      const { records } = await probeOnce(once({ kind: 'chat_stream' }, mode('stream_cut')));
      expect(records[0].response.stream?.sawDone).to.equal(false);
      expect(records[0].response.stream?.anomalies).to.deep.equal(['no_done']);
    });

    it('an error event mid-stream → error_event with the error kept', async () => {
      const { records } = await probeOnce(once({ kind: 'chat_stream' }, mode('stream_error_event')));
      expect(records[0].response.stream?.anomalies).to.include('error_event');
      expect(records[0].response.stream?.errorEvent).to.have.property('code', 'stream_error');
    });

    it('a stream that stalls → stalled after idle_timeout', async () => {
      const { records } = await probeOnce(
        once({ kind: 'chat_stream' }, { ...mode('stream_stall'), idle_timeout: '500ms' }),
      );
      expect(records[0].response.stream?.anomalies).to.include.members(['stalled', 'no_done']);
      expect(records[0].transportError?.code).to.equal('body_timeout');
      expect(records[0].timings.firstTokenMs).to.be.a('number');
    });

    it('a stream that never ends → deadline anomaly at the probe deadline', async () => {
      const { records } = await probeOnce(
        once({ kind: 'chat_stream', timeout: '700ms' }, mode('stream_never_ends')),
      );
      const r = records[0];
      expect(r.response.stream?.anomalies).to.include.members(['deadline', 'no_done']);
      expect(r.transportError?.code).to.equal('body_timeout');
      expect(r.timings.chunkCount).to.be.greaterThan(3);
      expect(r.timings.totalMs).to.be.within(690, 3000);
    });

    it('a connection reset before the answer → ECONNRESET', async () => {
      const { records } = await probeOnce(once({ kind: 'chat' }, mode('reset')));
      expect(records[0].transportError?.code).to.equal('ECONNRESET');
    });
  });

  it('never follows a redirect and never sends the key to the other host', async () => {
    let otherHits = 0;
    const other = createServer((_req, res) => {
      otherHits++;
      res.end('{}');
    });
    const otherPort = await listen(other);
    const redirector = createServer((req, res) => {
      req.resume();
      res.writeHead(301, { location: `http://127.0.0.1:${otherPort}/v1/chat/completions?token=x` }).end();
    });
    const port = await listen(redirector);
    try {
      const { records } = await probeOnce(
        once({ kind: 'chat' }, { ...key, base_url: `http://127.0.0.1:${port}/v1` }),
      );
      expect(records[0].response.status).to.equal(301);
      expect(records[0].response.redirectOrigin).to.equal(`http://127.0.0.1:${otherPort}`);
      expect(otherHits).to.equal(0);
    } finally {
      other.close();
      redirector.close();
    }
  });

  it('retry (opt-in): records attempts, added latency and success after a first failure', async () => {
    let n = 0;
    const srv = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        if (n === 1)
          return res
            .writeHead(503, { 'content-type': 'application/json' })
            .end('{"error":{"message":"busy"}}');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"choices":[{"index":0,"message":{"content":"pong"},"finish_reason":"stop"}]}');
      });
    });
    const port = await listen(srv);
    try {
      const { records } = await probeOnce(
        once(
          { kind: 'chat', retry: { enabled: true, max_attempts: 3, backoff: '150ms' } },
          { base_url: `http://127.0.0.1:${port}/v1` },
        ),
      );
      expect(records[0].response.status).to.equal(200);
      expect(records[0].retry).to.include({ attempts: 2, succeededAfterFailure: true });
      expect(records[0].retry!.addedMs).to.be.at.least(145);
    } finally {
      srv.close();
    }
  });

  it('daily request budget: stops probing, emits one probe.budget_exhausted event, survives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-probe-budget-'));
    try {
      const cfg = {
        ...key,
        base_url: base,
        budget: { daily_tokens: 0, daily_requests: 1 },
        probes: [{ name: 'b', kind: 'chat', interval: '100ms' }],
      };
      const before = served.length;
      const first = await probeOnce(cfg, { dataDir: dir, records: 2 });
      expect(first.records[0].response.status).to.equal(200);
      expect(first.records[1].event?.name).to.equal('probe.budget_exhausted');
      expect(first.records[1].event?.attributes).to.include({
        limit: 'requests',
        spent_requests: 1,
        daily_requests: 1,
      });
      const saved = JSON.parse(readFileSync(join(dir, 'probe-budget', 'probe_test.json'), 'utf8')) as {
        requests: number;
      };
      expect(saved.requests).to.equal(1);
      const second = await probeOnce(cfg, { dataDir: dir, records: 1, timeoutMs: 600 });
      expect(second.records, 'no probe and no second event after a restart').to.have.length(0);
      expect(served.length - before).to.equal(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a probe never overlaps itself, and max_concurrency caps probes of a target', async () => {
    let active = 0;
    let peak = 0;
    let total = 0;
    const srv = createServer((req, res) => {
      active++;
      total++;
      peak = Math.max(peak, active);
      req.resume();
      setTimeout(() => {
        active--;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
      }, 400);
    });
    const port = await listen(srv);
    try {
      const { records } = await probeOnce(
        {
          base_url: `http://127.0.0.1:${port}/v1`,
          max_concurrency: 1,
          probes: [
            { name: 'a', kind: 'chat', interval: '50ms' },
            { name: 'b', kind: 'chat', interval: '50ms' },
          ],
        },
        { records: 3 },
      );
      expect(records.length).to.be.at.least(3);
      expect(peak, 'concurrent requests seen by the server').to.equal(1);
      expect(total, 'ticks while a run is going are skipped, not queued').to.be.below(8);
    } finally {
      srv.close();
    }
  });

  it('keep_alive reuses the connection: the second run measures no connect time', async () => {
    const { records } = await probeOnce(
      { ...key, base_url: base, keep_alive: true, probes: [{ name: 'k', kind: 'chat', interval: '50ms' }] },
      { records: 2 },
    );
    expect(records[0].timings.connectMs).to.be.a('number');
    expect(records[1].timings.connectMs).to.equal(undefined);
  });
});

describe('probe config rules', () => {
  const base = () => ({
    ...probeReceiverFactory.createDefaultConfig(),
    base_url: 'https://api.example.test/v1',
  });
  it('refuses invalid_request in production unless allow_in_production', () => {
    const cfg = {
      ...base(),
      environment: 'production',
      probes: [{ ...base().probes[0], name: 'bad', kind: 'invalid_request' as const }],
    };
    expect(validateProbeConfig(cfg, {}).map((p) => p.path.join('.'))).to.deep.equal(['probes.0.kind']);
    const viaEnv = { ...cfg, environment: '' };
    expect(validateProbeConfig(viaEnv, { environment: 'production' })).to.have.length(1);
    cfg.probes[0] = { ...cfg.probes[0], allow_in_production: true };
    expect(validateProbeConfig(cfg, {})).to.deep.equal([]);
  });

  it('refuses an unreadable CA bundle', () => {
    const cfg = { ...base(), tls: { ca_file: '/nonexistent/ca.pem', server_name: '' } };
    expect(validateProbeConfig(cfg, {}).map((p) => p.path.join('.'))).to.deep.equal(['tls.ca_file']);
  });

  it('requires base_url, refuses credentials in it and duplicate probe names', () => {
    const d = probeReceiverFactory.createDefaultConfig();
    expect(validateProbeConfig(d, {})[0].path).to.deep.equal(['base_url']);
    const cred = { ...base(), base_url: 'https://u:p@x.test/v1', probes: [d.probes[0], d.probes[0]] };
    expect(validateProbeConfig(cred, {}).map((p) => p.message)).to.have.length(2);
  });

  it('picks a proxy from HTTPS_PROXY unless NO_PROXY matches', () => {
    const origin = new URL('https://api.cometapi.com/v1');
    expect(proxyFor({ origin, proxy: '', env: { HTTPS_PROXY: 'http://p:3128' } })).to.equal('http://p:3128');
    expect(
      proxyFor({ origin, proxy: '', env: { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '.cometapi.com' } }),
    ).to.equal(undefined);
    expect(proxyFor({ origin, proxy: 'http://explicit:1', env: {} })).to.equal('http://explicit:1');
    expect(noProxyMatches(new URL('http://127.0.0.1:8080/'), 'localhost,127.0.0.1:8080')).to.equal(true);
    expect(noProxyMatches(new URL('http://127.0.0.1:8081/'), '127.0.0.1:8080')).to.equal(false);
  });
});

/** A DNS server on 127.0.0.1 that answers every query with NXDOMAIN. */
async function nxdomainServer(): Promise<{ port: number; queries: () => number; close: () => void }> {
  const sock: UdpSocket = createSocket('udp4');
  let n = 0;
  sock.on('message', (msg, rinfo) => {
    n++;
    let i = 12;
    while (i < msg.length && msg[i] !== 0) i += msg[i] + 1;
    const question = msg.subarray(12, i + 5);
    const header = Buffer.from([msg[0], msg[1], 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0]);
    sock.send(Buffer.concat([header, question]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, queries: () => n, close: () => sock.close() };
}
