// SPDX-License-Identifier: Apache-2.0
// Parsers on real fixture lines (test/fixtures/access-logs, provenance in SOURCES.md) and on
// property-generated input: they never throw and always return promptly.
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineFields } from '../fields.js';
import { classifyLine } from '../classify-line.js';
import { RecordBuilder } from '../record.js';
import { RouteNormalizer } from '../route.js';
import { createLineParser } from './create.js';
import type { ParserConfig } from './create.js';
import { compileNginx, readNginxLogFormat } from './nginx.js';

const FIX = join(process.cwd(), 'test', 'fixtures', 'access-logs');
const linesOf = (name: string) =>
  readFileSync(join(FIX, name), 'latin1')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0);
const cfg = (c: Partial<ParserConfig>): ParserConfig => ({
  format: 'nginx',
  log_format: '',
  fields: {},
  regex: '',
  ...c,
});
const LLM_COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$route] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $request_id "$upstream_http_x_request_id" "$upstream_http_openai_model"';

function record(f: LineFields) {
  return new RecordBuilder({
    receiver: 'access_log/t',
    provider: 'gw',
    routes: new RouteNormalizer(),
    maxModels: 10,
  }).build(f, 0);
}

describe('access_log parsers on real lines', () => {
  it('nginx llm_combined capture with CRLF endings (real nginx 1.22 lines)', () => {
    const p = createLineParser(cfg({ log_format: LLM_COMBINED }));
    const parsed = linesOf('derived-crlf.log').map((l) => p.parse(l));
    expect(parsed.every((f) => f?.status !== undefined)).to.equal(true);
    const models = parsed[1]!;
    expect(models).to.include({
      method: 'GET',
      path: '/v1/models',
      status: 200,
      totalMs: 65,
      upstreamMs: 65,
    });
    expect(models.requestId).to.equal('req_c8eb69179dfff1fd38fbbc04');
    expect(models.responseModel).to.equal('gpt-4o-mini');
    expect(models.timeMs).to.equal(Date.UTC(2026, 10, 26, 15, 14, 32));
  });

  it('nginx combined (and combined + XFF) from lnav/beats/vrl: all but the deliberately malformed line', () => {
    const combined = createLineParser(cfg({ format: 'nginx_combined' }));
    const xff = createLineParser(
      cfg({
        log_format:
          '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
      }),
    );
    const lines = linesOf('nginx-combined.log');
    const failed = lines.filter((l) => (combined.parse(l) ?? xff.parse(l))?.status === undefined);
    expect(failed).to.have.length(1);
    expect(failed[0]).to.match(/^192\.168\.202\.254 \[20\/Jul/);
    // The 1000-line shop log writes XFF after the UA: plain combined does not take it as a call
    // (its fields after the UA would be lost without a word), it says trailing content.
    const shop = lines[100];
    expect(combined.parse(shop)).to.equal(undefined);
    expect(combined.lastReject).to.equal('trailing_content');
    expect(xff.parse(shop)?.status).to.equal(200);
  });

  it('ingress-nginx upstreaminfo: unquoted upstream lists with spaces and IPv6', () => {
    const p = createLineParser(cfg({ log_format: 'ingress_upstreaminfo' }));
    const all = linesOf('nginx-ingress.log').map((l) => p.parse(l));
    expect(all.every((f) => f?.status !== undefined)).to.equal(true);
    const multi = all.find((f) => f?.upstreamStatuses?.join() === '502,502')!;
    expect(multi.upstreamAttempts).to.equal(2);
    const r = record(multi);
    expect(r.upstream).to.include({ attempts: 2, retried: true, lastAttemptOk: false });
    const ok = all.find((f) => f?.upstreamStatuses?.join() === '200,203')!;
    expect(ok.upstreamMs).to.equal(4);
  });

  it('envoy default text format, incl. TCP "- - -" lines and injected quotes', () => {
    const p = createLineParser(cfg({ format: 'envoy' }));
    const all = linesOf('envoy.log').map((l) => p.parse(l));
    expect(all.filter((f) => f?.status !== undefined)).to.have.length(all.length);
    // envoy#4191: a UA with unescaped quotes would shift every field after it; read from the
    // right, the request id (`-`), host and upstream after it come out right
    const injected = all.findIndex((_f, i) =>
      linesOf('envoy.log')[i].includes('USER_AGENT_I_WANT_YOU_TO_SEE" "AJ"'),
    );
    expect(all[injected]).to.include({ status: 200, requestId: undefined, upstreamAttempts: undefined });
    expect(all[0]).to.include({ status: 0, flags: 'UF,URX' });
    expect(classifyLine(record(all[0]!)).errorClass).to.equal('network');
  });

  it('envoy JSON from an LLM gateway: 503 UH is upstream/no_healthy_upstream', () => {
    const p = createLineParser(cfg({ format: 'envoy_json' }));
    const all = linesOf('envoy-json.log').map((l) => p.parse(l)!);
    expect(all[0]).to.include({ method: 'POST', status: 200, totalMs: 6 });
    const c = classifyLine(record(all[1]));
    expect(c).to.include({ errorClass: 'upstream', subReason: 'no_healthy_upstream' });
    expect(all[2].upstreamMs).to.be.a('number'); // Istio writes it as a string
  });

  it('Kong AI Gateway file-log: usage, models, provider, latencies in ms', () => {
    const p = createLineParser(cfg({ format: 'kong' }));
    const [plain, ai] = linesOf('kong-file-log.log').map((l) => p.parse(l)!);
    expect(plain).to.include({ status: 200, method: 'GET' });
    expect(ai).to.include({
      status: 200,
      totalMs: 976,
      upstreamMs: 970,
      model: 'gpt-4o',
      provider: 'openai',
    });
    const r = record(ai);
    expect(r.response.usage).to.deep.equal({
      promptTokens: 13,
      completionTokens: 12,
      totalTokens: 25,
      origin: 'log',
    });
    expect(r.request.route).to.equal('/v1/chat/completions');
    expect(r.target.provider).to.equal('openai');
  });

  it('Traefik JSON durations in nanoseconds; Caddy seconds; docker-compose prefixes', () => {
    const t = createLineParser(cfg({ format: 'traefik' })).parse(linesOf('traefik-json.log')[0])!;
    const raw = JSON.parse(linesOf('traefik-json.log')[0]) as { Duration: number };
    expect(t.totalMs).to.be.closeTo(raw.Duration / 1e6, 1e-9);
    const caddy = createLineParser(cfg({ format: 'caddy' }));
    const access = linesOf('caddy-json.log')
      .map((l) => caddy.parse(l))
      .filter((f) => f?.status !== undefined);
    expect(access.length).to.be.greaterThan(5);
    expect(access.every((f) => (f!.totalMs ?? 0) < 60_000)).to.equal(true);
  });

  it('nginx escape=json: \\" inside values, raw bytes >= 0x7F, "" for missing', () => {
    const p = compileNginx(
      `log_format j escape=json '{"status":"$status","ua":"$http_user_agent","model":"$upstream_http_openai_model",'\n  '"rt":"$request_time","us":"$upstream_status","uct":"$upstream_connect_time"}';`,
    );
    const ua = Buffer.concat([
      Buffer.from('bad\\u0001ctl'),
      Buffer.from([0x7f]),
      Buffer.from('\\t \\"q\\"\\\\ '),
      Buffer.from([0xe2, 0x82, 0xac, 0xff]),
    ]).toString('latin1');
    const f = p.parse(
      `{"status":"502","ua":"${ua}","model":"gpt-4o\\"x","rt":"0.001","us":"502","uct":"-"}`,
    )!;
    expect(f).to.include({
      status: 502,
      totalMs: 1,
      model: undefined,
      responseModel: 'gpt-4o"x',
      connectFailed: true,
    });
    expect(classifyLine(record(f)).errorClass).to.equal('network');
    const empty = p.parse('{"status":"200","ua":"","model":"","rt":"0.010","us":"","uct":""}')!;
    expect(empty).to.include({ status: 200, responseModel: undefined, upstreamStatuses: undefined });
  });

  it('reads a pasted log_format directive with concatenated quoted parts', () => {
    const r = readNginxLogFormat(`log_format main '$remote_addr [$time_local] '\n   '"$request" $status';`);
    expect(r).to.deep.equal({ format: '$remote_addr [$time_local] "$request" $status', escape: 'default' });
  });

  it('regex: named groups with unit suffixes', () => {
    const p = createLineParser(
      cfg({ format: 'regex', regex: '^(?<method>\\S+) (?<path>\\S+) (?<status>\\d+) (?<duration_us>\\d+)$' }),
    );
    expect(p.parse('POST /v1/chat/completions 200 1500')).to.include({ status: 200, totalMs: 1.5 });
    expect(p.parse('nonsense')).to.equal(undefined);
  });
});

describe('access_log line classes (status + upstream evidence)', () => {
  const p = compileNginx('$status $upstream_status $upstream_connect_time');
  const cls = (line: string) => classifyLine(record(p.parse(line)!));
  it('502 without connect time = network; with = upstream; 504 = timeout; 499 = client_abort', () => {
    expect(cls('502 502 -')).to.include({ errorClass: 'network', subReason: 'upstream_connect_failure' });
    expect(cls('502 502 0.001')).to.include({ errorClass: 'upstream', subReason: 'bad_gateway' });
    expect(cls('504 504 0.001')).to.include({ errorClass: 'timeout' });
    expect(cls('499 - 0.001')).to.include({ errorClass: 'client_abort' });
    expect(cls('429 429 0.001')).to.include({ errorClass: 'rate_limit', owner: 'platform / capacity' });
    expect(cls('200 200 0.001').errorClass).to.equal(undefined);
  });
  it('retries and fallbacks from upstream lists, counted apart', () => {
    expect(cls('200 502, 200 -, 0.001')).to.include({ retried: true, fallback: false, lastAttemptOk: true });
    // an error_page fallback to another group is not a retry
    expect(cls('200 503 : 200 0.001 : 0.001')).to.include({
      retried: false,
      fallback: true,
      lastAttemptOk: true,
    });
    expect(cls('200 502, 502 : 200 -, 0.001 : 0.001')).to.include({ retried: true, fallback: true });
    // the last attempt never connected: failed, whatever status the gateway made up
    expect(cls('502 502, 502 0.001, -')).to.include({ retried: true, lastAttemptOk: false });
  });
});

describe('access_log parsers on generated input (never throw, never hang)', () => {
  const parsers = [
    createLineParser(cfg({ format: 'nginx_combined' })),
    createLineParser(cfg({ log_format: LLM_COMBINED })),
    createLineParser(cfg({ log_format: 'ingress_upstreaminfo' })),
    compileNginx(`log_format j escape=json '{"s":"$status","u":"$upstream_status","m":"$http_x_model"}'`),
    createLineParser(cfg({ format: 'envoy' })),
    createLineParser(cfg({ format: 'kong' })),
    createLineParser(cfg({ format: 'traefik' })),
    createLineParser(cfg({ format: 'apache', log_format: 'combined_D' })),
    createLineParser(cfg({ format: 'haproxy' })),
    createLineParser(cfg({ format: 'traefik_clf' })),
    createLineParser(cfg({ format: 'aws_alb' })),
    createLineParser(cfg({ format: 'litellm' })),
  ];
  const combinedish = fc
    .tuple(
      fc.constantFrom('127.0.0.1', '::1', '-', ''),
      fc.string(),
      fc.constantFrom('GET', 'POST', ''),
      fc.string(),
      fc.integer({ min: -5, max: 1000 }),
      fc.string(),
      fc.constantFrom('200', '502, 200', '503 : 200', '-', ''),
    )
    .map(
      ([ip, t, m, path, st, ua, ups]) =>
        `${ip} - - [${t}] "${m} ${path} HTTP/1.1" ${st} 0 "-" "${ua}" 1 0.1 [r] a ${ups} 0.1 ${ups} x "y" "z"`,
    );
  const bytes = fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1'));
  const json = fc.json().map((j) => j);
  for (const [name, arb] of [
    ['random bytes', bytes],
    ['combined-like lines', combinedish],
    ['random JSON', json],
  ] as const) {
    it(`${name}: every parser returns (fields or undefined) and records build`, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<string>, (line) => {
          for (const p of parsers) {
            const started = Date.now();
            const f = p.parse(line);
            if (f) classifyLine(record(f));
            expect(Date.now() - started).to.be.below(1000);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
