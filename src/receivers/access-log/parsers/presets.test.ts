// SPDX-License-Identifier: Apache-2.0
// Each preset on samples with provenance (test/fixtures/access-logs/SOURCES.md): public fixture
// lines and documented samples for the gateways Debian does not package. Real captures of
// nginx, Caddy, HAProxy and Apache are read in test/access-log-gateways.test.ts. Every case
// asserts status counts and latency; the README's preset table is checked against the registry.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessLogReceiverFactory } from '../index.js';
import type { AccessLogConfig } from '../config.js';
import { replayFiles } from '../replay-files.js';
import { createLineParser } from './create.js';
import { presetRegistry } from './presets.js';

const FIX = join(process.cwd(), 'test', 'fixtures', 'access-logs');
const cfg = (o: Partial<AccessLogConfig>) =>
  ({ ...accessLogReceiverFactory.createDefaultConfig(), ...o }) as AccessLogConfig;
const replay = (file: string, o: Partial<AccessLogConfig>) => replayFiles([join(FIX, file)], cfg(o));

describe('access_log presets on samples with provenance', () => {
  it('haproxy (option httplog, syslog prefix, captured headers or none): statuses, timers, termination states', () => {
    const s = replay('haproxy.log', { format: 'haproxy' });
    // startup messages, tcplog, SSL and legacy-default lines do not parse (11 of 39)
    expect(s.lines).to.include({ read: 39, parsed: 28, unparsed: 11 });
    expect(s.calls.by_status).to.deep.equal({
      '200': 19,
      '302': 1,
      '304': 1,
      '400': 1,
      '403': 1,
      '404': 2,
      '503': 3,
    });
    expect(s.latency.by_route['/static/files/3rsdfas3.js'].p50_ms).to.be.closeTo(2606, 55);
    // SC-- 503 is a refused connection (network), not "overloaded"; CR-- is the client
    expect(s.calls.by_class.network).to.deep.include({
      count: 3,
      sub_reasons: { upstream_connect_failure: 3 },
    });
    expect(s.calls.by_class.client_abort?.count).to.equal(1);
    expect(
      s.latency.by_route['/component---src-pages-index-js-4b15624544f97cf0bb8f.js']?.p50_ms,
    ).to.be.closeTo(2, 0.1);
  });

  it('haproxy: +N is a redispatch, and the retried call with a server answer is "last attempt ok"', () => {
    const p = createLineParser(cfg({ format: 'haproxy' }));
    const f = p.parse(
      '127.0.0.1:36920 [06/Dec/2026:23:00:17.081] fe be/live 0/0/0/70/70 200 185 - - ---- 1/1/0/0/+1 0/0 "POST /v1/chat/completions HTTP/1.1"',
    )!;
    expect(f).to.include({ status: 200, totalMs: 70, ttfbMs: 70, upstreamAttempts: 2, redispatched: true });
    expect(f.upstreamStatuses).to.deep.equal([200]);
    const dead = p.parse(
      '127.0.0.1:35982 [10/Dec/2018:12:01:46.395] fe be/dead 0/0/-1/-1/3003 503 217 - - SC-- 1/1/0/0/3 0/0 "POST /v1/chat/completions HTTP/1.1"',
    )!;
    expect(dead).to.include({
      status: 503,
      totalMs: 3003,
      ttfbMs: undefined,
      upstreamFailed: true,
      terminationState: 'SC--',
    });
  });

  it('apache combined (and vhost/common lines): statuses; Apache\'s \\" escapes inside quoted fields', () => {
    const s = replay('apache-combined.log', { format: 'apache', log_format: 'combined' });
    // common lines (no referer/UA) do not match combined; vhost and %D lines go on after it
    expect(s.lines).to.include({ read: 22, parsed: 7, trailing_content: 4 });
    expect(s.calls.by_status).to.deep.equal({ '200': 3, '401': 1, '404': 2, '408': 1 });
    expect(s.warnings.join()).to.match(/no request duration/);
    const ua = createLineParser(cfg({ format: 'apache' })).parse(
      'x.x.x.x - - [12/Apr/2018:10:00:00 +0000] "GET /a HTTP/1.1" 200 5 "-" "Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\\" Build/LMY47I)"',
    );
    expect(ua).to.include({ status: 200, path: '/a', bytesSent: 5 });
  });

  it('traefik CLF (documented shape): statuses and the ms durations', () => {
    const s = replay('traefik-clf.docs.log', { format: 'traefik_clf' });
    expect(s.lines).to.include({ read: 4, parsed: 4 });
    expect(s.calls.by_status).to.deep.equal({ '200': 2, '429': 1, '502': 1 });
    expect(s.latency.by_route['/v1/chat/completions'].count).to.equal(3);
    expect(s.latency.by_route['/v1/chat/completions'].p50_ms).to.be.closeTo(35, 1);
    expect(s.latency.by_route['/v1/models'].p50_ms).to.be.closeTo(9, 0.2);
  });

  it('traefik CLF before v3.5 (no escaping): a quote in the user agent does not shift the fields after it', () => {
    const p = createLineParser(cfg({ format: 'traefik_clf' }));
    const f = p.parse(
      '192.168.2.20 - - [28/Jan/2026:21:48:37 +0000] "POST /v1/chat/completions HTTP/1.1" 200 412 "-" "my "quoted" agent" 12 "llm@docker" "http://172.18.0.2:8000" 840ms',
    );
    expect(f).to.include({ status: 200, totalMs: 840, path: '/v1/chat/completions' });
    expect(f!.upstreamMembers).to.deep.equal(['http://172.18.0.2:8000']);
  });

  it('traefik JSON: a 502 after two retries with no origin answer is a failed last attempt', () => {
    const s = replay('traefik-json-retries.docs.log', { format: 'traefik' });
    expect(s.calls.by_status).to.deep.equal({ '200': 1, '502': 1 });
    expect(s.upstream).to.include({
      retried: 2,
      retry_attempts: 3,
      retried_last_ok: 1,
      retried_last_failed: 1,
    });
    expect(s.latency.by_route['/v1/chat/completions'].p95_ms).to.be.closeTo(2481, 50);
    const fixtures = replay('traefik-json.log', { format: 'traefik' });
    expect(fixtures.lines).to.include({ read: 7, parsed: 7 });
    expect(fixtures.calls.by_status['200']).to.be.at.least(1);
  });

  it('aws_alb (AWS docs lines): -1 timings are absent, never 0; the target that never answered failed', () => {
    const s = replay('aws-alb.docs.log', { format: 'aws_alb' });
    expect(s.lines).to.include({ read: 4, parsed: 4 });
    expect(s.calls.by_status).to.deep.equal({ '200': 2, '460': 1, '504': 1 });
    // only the two 200s have all three times: 1 ms and 171 ms
    const lat = Object.values(s.latency.by_route).reduce((a, l) => a + l.count, 0);
    expect(lat).to.equal(2);
    expect(s.latency.by_route['/'].p95_ms).to.be.closeTo(171, 4);
    expect(s.upstream.by_member['10.0.0.1:80']).to.deep.equal({ attempts: 3, failed: 1 });
    expect(s.calls.by_class.timeout?.count).to.equal(1);
  });

  it('litellm (StandardLoggingPayload): a successful call has status 200, a failure its error code', () => {
    const s = replay('litellm-payload.docs.log', { format: 'litellm' });
    expect(s.calls.by_status).to.deep.equal({ '200': 1, '429': 1 });
    expect(s.calls.by_class.unknown).to.equal(undefined);
    expect(s.latency.by_model['gpt-4o'].count).to.equal(2);
    expect(s.latency.by_model['gpt-4o'].p95_ms).to.be.closeTo(1400, 30);
    expect(s.usage).to.include({ prompt_tokens: 12, completion_tokens: 34 });
  });

  it("envoy_json with Envoy Gateway's default keys (x-envoy-origin-path, x-request-id, upstream_host)", () => {
    const s = replay('envoy-json.log', { format: 'envoy_json' });
    expect(s.calls.by_status).to.deep.equal({ '200': 2, '404': 1, '503': 1 });
    expect(s.latency.by_route['/v1/chat/completions'].count).to.equal(2);
    expect(s.calls.by_class.upstream?.sub_reasons).to.deep.equal({ no_healthy_upstream: 1 });
    expect(s.upstream.by_member['10.244.0.19:8000']).to.deep.equal({ attempts: 1, failed: 0 });
  });

  it('nothing parsed: the summary says which preset the lines look like', () => {
    const s = replay('haproxy.log', { format: 'nginx_combined' });
    expect(s.lines.parsed).to.equal(0);
    expect(s.hint).to.match(/--format haproxy/);
  });

  it('a timing the format names but the gateway leaves empty is reported once with counts', () => {
    const s = replay('aws-alb.docs.log', { format: 'aws_alb' });
    expect(s.warnings).to.have.length(0);
    const empty = replayFiles(
      [join(FIX, 'nginx-combined.log')],
      cfg({
        format: 'nginx',
        log_format:
          '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$request_time_us"',
      }),
    );
    expect(empty.warnings.join('\n')).to.match(/\$request_time_us looks like a timing/);
  });
});

describe('access_log README preset table', () => {
  it('lists every format and named log_format preset of the registry, and nothing else', () => {
    const readme = readFileSync(join(process.cwd(), 'src', 'receivers', 'access-log', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Presets'),
      readme.indexOf('\n## ', readme.indexOf('## Presets') + 1),
    );
    const rows = section
      .split('\n')
      .filter((l) => /^\| `/.test(l))
      .map((l) =>
        l
          .split('|')
          .slice(1, 3)
          .map((c) => c.trim().replace(/^`|`$/g, '')),
      )
      .map(([format, logFormat]) => `${format} ${logFormat === '(default)' ? '' : logFormat}`.trim());
    const registry = presetRegistry().map((e) => `${e.format} ${e.logFormat}`.trim());
    expect(rows.sort()).to.deep.equal(registry.sort());
    // and every entry builds a parser
    for (const e of presetRegistry())
      if (e.format !== 'json' && e.format !== 'regex')
        expect(() =>
          createLineParser(cfg({ format: e.format as never, log_format: e.logFormat })),
        ).to.not.throw();
  });
});
