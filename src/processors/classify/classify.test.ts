// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { consumerFromFn } from '../../component/consumer.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import { testSettings } from '../../testing/nop-host.js';
import { ClassifyProcessor } from './classify-processor.js';
import { classifyProcessorFactory } from './index.js';
import { transportRetryable } from '../../contract/error-class/decide.js';
import { retryAfterFromHeaders, retryAfterFromMessage } from '../../contract/error-class/retry-after.js';

function rec(fill: (r: CallRecord) => void, source: 'probe' | 'access_log' = 'probe'): CallRecord {
  const r = newCallRecord(
    source,
    `${source}/t`,
    { provider: 'openai', endpoint: '/v1/chat/completions' },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      synthetic: source === 'probe',
    },
  );
  fill(r);
  return r;
}

describe('classify processor', () => {
  const metrics = new SelfMetrics();
  const p = new ClassifyProcessor(
    testSettings('processor', 'classify', { metrics, pipeline: 'p' }),
    classifyProcessorFactory.createDefaultConfig(),
    consumerFromFn(async () => {}),
  );
  const classify = (r: CallRecord) => {
    p.process([r], Date.parse('2026-11-26T12:00:00Z'));
    return r.findings;
  };

  const transport: Array<[string, string, string]> = [
    ['ECONNREFUSED', 'network', 'connect_refused'],
    ['ENOTFOUND', 'network', 'dns'],
    ['ECONNRESET', 'network', 'connection_reset'],
    ['CERT_HAS_EXPIRED', 'network', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'network', 'tls'],
    ['timeout', 'timeout', 'client_deadline'],
    ['body_timeout', 'timeout', 'body_timeout'],
    ['body_limit', 'parse', 'body_limit'],
    ['HPE_INVALID_RESPONSE', 'upstream', 'invalid_response'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 'upstream', 'invalid_response'],
    ['bad_headers', 'upstream', 'invalid_response'],
    ['proxy_refused', 'network', 'proxy_refused'],
    ['proxy_error', 'network', 'proxy_error'],
    ['EWHATEVER', 'network', 'other'],
  ];
  for (const [code, cls, sub] of transport) {
    it(`transport error ${code} → ${cls} (${sub})`, () => {
      const f = classify(rec((r) => (r.transportError = { code })));
      expect([f.errorClass, f.subReason]).to.deep.equal([cls, sub]);
      expect(f.owner).to.be.a('string').and.not.equal('');
      expect(f.runbook).to.match(/^docs\/runbooks\/[a-z_]+\.md$/);
    });
  }

  it("the proxy's own answers advise what the record's class says (transportRetryable)", () => {
    const codes = [...transport.map(([c]) => c), 'CERT_HAS_EXPIRED', 'EPROTO', 'UNABLE_TO_GET_ISSUER_CERT'];
    for (const code of codes) {
      const f = classify(rec((r) => (r.transportError = { code })));
      expect(transportRetryable(code), code).to.equal(f.retryable);
    }
  });

  it('a certificate that fails verification is not retried; a cut handshake is', () => {
    const advice = (code: string) => classify(rec((r) => (r.transportError = { code }))).retryable;
    const certificate = [
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ];
    expect(certificate.map(advice)).to.deep.equal([false, false, false]);
    expect(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER'].map(advice)).to.deep.equal([true, true]);
  });

  it('a tunnel the egress proxy refused (4xx: policy, credentials) is not retried; its 5xx is', () => {
    const refused = classify(rec((r) => (r.transportError = { code: 'proxy_refused' })));
    const failing = classify(rec((r) => (r.transportError = { code: 'proxy_error' })));
    expect([refused.retryable, failing.retryable]).to.deep.equal([false, true]);
  });

  it('an answer that cannot be read is not retried (the server answered; a malformed answer repeats)', () => {
    for (const code of ['HPE_INVALID_RESPONSE', 'bad_headers']) {
      const f = classify(rec((r) => (r.transportError = { code })));
      expect([f.errorClass, f.retryable], code).to.deep.equal(['upstream', false]);
    }
    const haproxy = classify(
      rec((r) => {
        r.source = 'access_log';
        r.response.status = 502;
        r.extra = { terminationState: 'PH--' };
      }),
    );
    expect([haproxy.subReason, haproxy.retryable]).to.deep.equal(['invalid_response', false]);
    // the class itself stays retryable: a 502 the upstream sent is
    const status502 = classify(rec((r) => (r.response.status = 502)));
    expect([status502.errorClass, status502.retryable]).to.deep.equal(['upstream', true]);
  });

  it('body_timeout after a 200 header is still a timeout', () => {
    const f = classify(
      rec((r) => {
        r.response.status = 200;
        r.transportError = { code: 'body_timeout', phase: 'body' };
      }),
    );
    expect(f.errorClass).to.equal('timeout');
  });

  it('access-log rules: 502 without upstream connect = network, 504 = timeout, 499 = client_abort, retries noted', () => {
    const noConnect = classify(
      rec((r) => {
        r.response.status = 502;
        r.upstream = { statuses: [502], attempts: 1, retried: false };
        r.extra = { upstreamConnectFailed: true }; // what the access-log receiver sets for `-`
      }, 'access_log'),
    );
    expect([noConnect.errorClass, noConnect.subReason]).to.deep.equal([
      'network',
      'upstream_connect_failure',
    ]);
    const connected = classify(
      rec((r) => {
        r.response.status = 502;
        r.upstream = { statuses: [502], attempts: 1, retried: false, connectMs: 3 };
      }, 'access_log'),
    );
    expect(connected.errorClass).to.equal('upstream');
    expect(classify(rec((r) => (r.response.status = 504), 'access_log')).errorClass).to.equal('timeout');
    const abort = classify(rec((r) => (r.response.status = 499), 'access_log'));
    expect([abort.errorClass, abort.retryable]).to.deep.equal(['client_abort', false]);
    const retried = classify(
      rec((r) => {
        r.response.status = 200;
        r.upstream = { statuses: [502, 200], attempts: 2, retried: true, connectMs: 1 };
      }, 'access_log'),
    );
    expect(retried.errorClass).to.equal(undefined);
    expect(retried.items.map((i) => i.note)).to.include('retry_or_fallback');
  });

  it('Retry-After in seconds and as an HTTP date; retry-after-ms preferred', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(retryAfterFromHeaders({ 'retry-after': '7' }, now)).to.equal(7000);
    expect(retryAfterFromHeaders({ 'retry-after': 'Thu, 26 Nov 2026 12:00:30 GMT' }, now)).to.equal(30_000);
    expect(retryAfterFromHeaders({ 'retry-after': '7', 'retry-after-ms': '1500' }, now)).to.equal(1500);
    expect(retryAfterFromHeaders({ 'retry-after': 'soon' }, now)).to.equal(undefined);
    expect(retryAfterFromMessage('Please try again in 1m26.4s.')).to.equal(86_400);
    expect(retryAfterFromMessage('try again in 6ms')).to.equal(6);
    const f = classify(
      rec((r) => {
        r.response.status = 429;
        r.response.headers['retry-after'] = '3';
        r.response.body = {
          error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded', param: null },
        };
      }),
    );
    expect([f.errorClass, f.retryable, f.retryAfterMs]).to.deep.equal(['rate_limit', true, 3000]);
  });

  it('redirects and HTML pages where JSON belongs', () => {
    expect(classify(rec((r) => (r.response.status = 301))).errorClass).to.equal('redirect');
    const html = classify(
      rec((r) => {
        r.response.status = 200;
        r.response.parse = 'html';
      }),
    );
    expect([html.errorClass, html.subReason]).to.deep.equal(['redirect', 'html_not_json']);
    expect(
      classify(
        rec((r) => {
          r.response.status = 404;
          r.response.parse = 'html';
        }),
      ).errorClass,
    ).to.equal('redirect');
  });

  it('stream anomalies: error event = upstream, truncated = parse', () => {
    const ev = classify(
      rec((r) => {
        r.response.status = 200;
        r.response.stream = {
          events: 3,
          dataChunks: 3,
          comments: 0,
          sawDone: false,
          anomalies: ['error_event', 'no_done'],
        };
      }),
    );
    expect([ev.errorClass, ev.subReason]).to.deep.equal(['upstream', 'stream_error_event']);
    const cut = classify(
      rec((r) => {
        r.response.status = 200;
        r.response.stream = { events: 3, dataChunks: 3, comments: 0, sawDone: false, anomalies: ['no_done'] };
      }),
    );
    expect([cut.errorClass, cut.subReason]).to.deep.equal(['parse', 'stream_truncated']);
  });

  it('sanitized error shape: keys and JSON types, never the message', () => {
    const f = classify(
      rec((r) => {
        r.response.status = 400;
        r.response.body = {
          error: {
            message: 'secret prompt echoed back',
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        };
      }),
    );
    expect(f.errorShape).to.deep.equal({
      $: 'object',
      error: 'object',
      'error.message': 'string',
      'error.type': 'string',
      'error.param': 'null',
      'error.code': 'null',
    });
    expect(JSON.stringify(f)).to.not.include('secret prompt');
  });

  it('unknown evidence and unknown envelopes are classed and counted, never thrown', () => {
    const before = metrics.sum('driftwatch_classify_unknown_total');
    const f = classify(rec(() => undefined));
    expect(f.errorClass).to.equal('unknown');
    const scaleway = classify(
      rec((r) => {
        r.response.status = 429;
        r.response.body = { status: 429, error: 'INSUFFICIENT QUOTA', message: 'quota exceeded' };
      }),
    );
    expect([scaleway.errorClass, scaleway.subReason, scaleway.retryable]).to.deep.equal([
      'rate_limit',
      'quota',
      false,
    ]);
    const weird = classify(
      rec((r) => {
        r.response.status = 500;
        r.response.body = [1, 2, 3];
      }),
    );
    expect(weird.errorClass).to.equal('upstream');
    expect(metrics.sum('driftwatch_classify_unknown_total') - before).to.equal(3);
  });

  it('healthy calls and events pass unchanged', () => {
    const ok = rec((r) => (r.response.status = 200));
    const ev = rec(() => undefined);
    ev.event = { name: 'probe.budget_exhausted', attributes: {} };
    const snapshot = JSON.stringify(ev);
    p.process([ok, ev]);
    expect(ok.findings.errorClass).to.equal(undefined);
    expect(JSON.stringify(ev)).to.equal(snapshot);
  });

  it('contract overrides: CometAPI first action and 500 invalid_request not retryable', () => {
    const c = new ClassifyProcessor(
      testSettings('processor', 'classify'),
      { contract: 'config/contracts/cometapi-chat-completions.yaml', keep_request_id: true },
      consumerFromFn(async () => {}),
    );
    const r = rec((x) => {
      x.response.status = 500;
      x.response.body = {
        error: {
          message: 'bad (request id: 2026112612000012345)',
          type: 'comet_api_error',
          param: '',
          code: 'invalid_request',
        },
      };
    });
    c.process([r]);
    expect([r.findings.errorClass, r.findings.retryable]).to.deep.equal(['bad_request', false]);
    expect(r.findings.firstAction).to.include('do not retry');
  });
});
