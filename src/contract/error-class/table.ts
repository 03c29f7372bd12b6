// SPDX-License-Identifier: Apache-2.0
// The error classes of DESIGN.md §5 as data: who owns each class, what to do first, whether
// to retry, and the ordered rules that map evidence (status, envelope type/code, transport
// error, parse state, stream anomalies, gateway upstream view) to a class. First match wins;
// a contract's own rules are tried before these. The error envelope's type/code decide before
// the HTTP status (servers answer 500 to bad requests and 200 with error bodies); the status
// decides only when the envelope names nothing known. No vendor quirk lives here: those belong
// in the vendor's contract (`errors.rules`).
// CLASS_INFO is the one home of each class's owner, first action and retry: docs/runbooks/,
// docs/runbooks/README.md and docs/contracts.md are checked against it (class-docs.test.ts),
// and the alert rules' owners against the runbooks.
import type { ErrorClass } from '../../model/call-record.js';

export interface ClassInfo {
  owner: string;
  firstAction: string;
  retryable: boolean;
  runbook: string;
}

/** The class's runbook page; its Owner / First action / Retry lines are checked against this table. */
const runbook = (c: ErrorClass) => `docs/runbooks/${c}.md`;

export const CLASS_INFO: Record<ErrorClass, ClassInfo> = {
  auth: {
    owner: 'secrets / IAM / deploy config',
    firstAction: 'check key rotation, environment variables and gateway header injection',
    retryable: false,
    runbook: runbook('auth'),
  },
  bad_request: {
    owner: 'application team',
    firstAction: 'compare the payload with the contract and recent client changes',
    retryable: false,
    runbook: runbook('bad_request'),
  },
  rate_limit: {
    owner: 'platform / capacity',
    firstAction: 'back off, queue or fall back per policy',
    retryable: true,
    runbook: runbook('rate_limit'),
  },
  timeout: {
    owner: 'platform / SRE',
    firstAction: 'check the retry budget, failover and customer impact',
    retryable: true,
    runbook: runbook('timeout'),
  },
  upstream: {
    owner: 'platform / SRE',
    firstAction: 'check the provider status page and fallback',
    retryable: true,
    runbook: runbook('upstream'),
  },
  network: {
    owner: 'platform / network',
    firstAction: 'check egress, DNS, proxy and certificates',
    retryable: true,
    runbook: runbook('network'),
  },
  redirect: {
    owner: 'application config',
    firstAction: 'fix the base URL; redirects are never followed with credentials',
    retryable: false,
    runbook: runbook('redirect'),
  },
  parse: {
    owner: 'application + platform',
    firstAction: 'capture the sanitized shape and compare it with the contract',
    retryable: false,
    runbook: runbook('parse'),
  },
  schema: {
    owner: 'application + platform',
    firstAction: 'capture the sanitized shape and compare it with the contract',
    retryable: false,
    runbook: runbook('schema'),
  },
  client_abort: {
    owner: 'application team',
    firstAction:
      'check whether callers cancel before the model answers (deadline, user navigation) and whether cancelled work is still billed',
    retryable: false,
    runbook: runbook('client_abort'),
  },
  unknown: {
    owner: 'platform / SRE',
    firstAction: "capture the sanitized shape and status, then extend the contract's error classes",
    retryable: false,
    runbook: runbook('unknown'),
  },
};

export interface RuleWhen {
  status?: readonly number[];
  /** Inclusive status range. */
  statusRange?: readonly [number, number];
  code?: readonly string[];
  type?: readonly string[];
  messageMatches?: RegExp;
  /** Transport error codes; an entry ending in `*` is a prefix. */
  transport?: readonly string[];
  parse?: readonly string[];
  /** Any of these stream anomalies. */
  anomaly?: readonly string[];
  verdict?: 'violation';
  /** The answer carries an OpenAI-style error envelope (`{error:{…}}`, body or stream event). */
  envelope?: boolean;
  /** Gateway view: the gateway logged that it never connected to the upstream. */
  upstreamNoConnect?: boolean;
  /** Envoy `%RESPONSE_FLAGS%` (access logs): any of these flags. */
  responseFlags?: readonly string[];
  /**
   * HAProxy termination state (`%tsc`, access logs): any of these prefixes of its first two
   * characters (`SC` = the server refused the connection; `C` = any state the client ended).
   */
  terminationState?: readonly string[];
}

export interface Rule {
  when: RuleWhen;
  class: ErrorClass;
  subReason?: string;
  retryable?: boolean;
}

const TLS = [
  'TLS',
  'CERT_*',
  'ERR_TLS_*',
  'ERR_SSL_*',
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT*',
];

export const DEFAULT_RULES: readonly Rule[] = [
  // gateway response flags (Envoy access logs) decide on their own, whatever the status
  { when: { responseFlags: ['DC'] }, class: 'client_abort', subReason: 'downstream_closed' },
  { when: { responseFlags: ['UF'] }, class: 'network', subReason: 'upstream_connect_failure' },
  { when: { responseFlags: ['UH'] }, class: 'upstream', subReason: 'no_healthy_upstream' },
  { when: { responseFlags: ['UT'] }, class: 'timeout', subReason: 'upstream_timeout' },
  { when: { responseFlags: ['UC'] }, class: 'upstream', subReason: 'upstream_connection_termination' },
  { when: { responseFlags: ['UR'] }, class: 'upstream', subReason: 'upstream_remote_reset' },
  { when: { responseFlags: ['UO'] }, class: 'upstream', subReason: 'upstream_overflow' },
  { when: { responseFlags: ['URX'] }, class: 'upstream', subReason: 'retry_limit_exceeded' },
  { when: { responseFlags: ['RL'] }, class: 'rate_limit', subReason: 'local_rate_limit' },
  { when: { responseFlags: ['UAEX'] }, class: 'auth', subReason: 'ext_authz_denied' },
  { when: { responseFlags: ['NR'] }, class: 'bad_request', subReason: 'no_route' },
  { when: { responseFlags: ['SI'] }, class: 'timeout', subReason: 'stream_idle_timeout' },
  // HAProxy termination state (who ended the session, in which phase), whatever the status:
  // HAProxy answers 503 for a refused connection, which the status alone reads as overloaded
  { when: { terminationState: ['SC'] }, class: 'network', subReason: 'upstream_connect_failure' },
  { when: { terminationState: ['sC'] }, class: 'timeout', subReason: 'upstream_connect_timeout' },
  { when: { terminationState: ['sH', 'sD'] }, class: 'timeout', subReason: 'upstream_timeout' },
  { when: { terminationState: ['sQ', 'SQ'] }, class: 'upstream', subReason: 'queue_timeout' },
  { when: { terminationState: ['SH', 'SD'] }, class: 'upstream', subReason: 'upstream_aborted' },
  // HAProxy blocked an invalid answer; not retried, as below
  {
    when: { terminationState: ['PH'] },
    class: 'upstream',
    subReason: 'invalid_response',
    retryable: false,
  },
  { when: { terminationState: ['C', 'c'] }, class: 'client_abort', subReason: 'client_closed' },
  { when: { terminationState: ['PR'] }, class: 'bad_request', subReason: 'proxy_rejected' },
  { when: { terminationState: ['D'] }, class: 'upstream', subReason: 'server_down' },
  { when: { terminationState: ['R', 'I'] }, class: 'upstream', subReason: 'proxy_resource_or_internal' },
  // transport errors (no HTTP status)
  {
    when: { transport: ['timeout', 'ETIMEDOUT', 'UND_ERR_*TIMEOUT'] },
    class: 'timeout',
    subReason: 'client_deadline',
  },
  { when: { transport: ['body_timeout'] }, class: 'timeout', subReason: 'body_timeout' },
  { when: { transport: ['ENOTFOUND', 'EAI_AGAIN'] }, class: 'network', subReason: 'dns' },
  { when: { transport: ['ECONNREFUSED'] }, class: 'network', subReason: 'connect_refused' },
  {
    when: { transport: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'] },
    class: 'network',
    subReason: 'connection_reset',
  },
  { when: { transport: ['EHOSTUNREACH', 'ENETUNREACH'] }, class: 'network', subReason: 'unreachable' },
  // a certificate that fails verification (expired, unknown issuer, another host) fails again on
  // the next attempt: a retry only adds latency; a handshake cut (EPROTO, ERR_SSL_*) may pass
  {
    when: {
      transport: [
        'CERT_*',
        'UNABLE_TO_*',
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        'SELF_SIGNED_CERT_IN_CHAIN',
        'ERR_TLS_CERT_ALTNAME_INVALID',
      ],
    },
    class: 'network',
    subReason: 'tls',
    retryable: false,
  },
  { when: { transport: TLS }, class: 'network', subReason: 'tls' },
  // the egress proxy answered CONNECT itself: 4xx is its policy or its credentials, not a blip
  { when: { transport: ['proxy_refused'] }, class: 'network', subReason: 'proxy_refused', retryable: false },
  { when: { transport: ['proxy_error'] }, class: 'network', subReason: 'proxy_error' },
  { when: { transport: ['body_limit'] }, class: 'parse', subReason: 'body_limit' },
  // an answer that cannot be read one way only (llhttp's codes, from undici or the proxy's parser).
  // Not retried: the server answered (a POST may have run), and a malformed answer comes from a
  // hop's configuration or bug and repeats; HAProxy's `retry-on junk-response` says the same
  {
    when: { transport: ['HPE_*', 'bad_headers'] },
    class: 'upstream',
    subReason: 'invalid_response',
    retryable: false,
  },
  { when: { transport: ['*'] }, class: 'network', subReason: 'other' },
  // the error envelope decides first, whatever the status (a 500, a 200 error body, an error
  // event inside a 2xx stream): specific codes, then the auth/limit statuses, then the generic types
  {
    when: { code: ['insufficient_quota'], envelope: true },
    class: 'rate_limit',
    subReason: 'quota',
    retryable: false,
  },
  {
    when: { type: ['insufficient_quota'], envelope: true },
    class: 'rate_limit',
    subReason: 'quota',
    retryable: false,
  },
  {
    when: { code: ['invalid_api_key', 'invalid_authentication'], envelope: true },
    class: 'auth',
    subReason: 'unauthorized',
  },
  {
    when: { type: ['authentication_error', 'auth_error'], envelope: true },
    class: 'auth',
    subReason: 'unauthorized',
  },
  { when: { type: ['permission_error'], envelope: true }, class: 'auth', subReason: 'forbidden' },
  {
    when: { code: ['rate_limit_exceeded'], messageMatches: /request too large/i, envelope: true },
    class: 'rate_limit',
    subReason: 'request_too_large',
    retryable: false,
  },
  {
    when: { code: ['rate_limit_exceeded'], envelope: true },
    class: 'rate_limit',
    subReason: 'rate_limit',
  },
  {
    when: { type: ['rate_limit_error', 'rate_limit_exceeded'], envelope: true },
    class: 'rate_limit',
    subReason: 'rate_limit',
  },
  {
    when: { code: ['model_not_found'], envelope: true },
    class: 'bad_request',
    subReason: 'model_not_found',
    retryable: false,
  },
  {
    when: { code: ['context_length_exceeded'], envelope: true },
    class: 'bad_request',
    subReason: 'context_length',
    retryable: false,
  },
  {
    when: { type: ['exceed_context_size_error'], envelope: true },
    class: 'bad_request',
    subReason: 'context_length',
    retryable: false,
  },
  {
    when: { code: ['content_filter', 'content_policy_violation'], envelope: true },
    class: 'bad_request',
    subReason: 'content_filter',
    retryable: false,
  },
  {
    when: { code: ['overloaded', 'server_overloaded'], envelope: true },
    class: 'upstream',
    subReason: 'overloaded',
  },
  { when: { type: ['overloaded_error'], envelope: true }, class: 'upstream', subReason: 'overloaded' },
  // statuses that name the class better than a generic envelope type (OpenAI answers a missing
  // key with 401 + invalid_request_error)
  { when: { status: [499] }, class: 'client_abort', subReason: 'client_closed' },
  { when: { status: [0] }, class: 'client_abort', subReason: 'no_response' },
  { when: { status: [401] }, class: 'auth', subReason: 'unauthorized' },
  { when: { status: [403] }, class: 'auth', subReason: 'forbidden' },
  {
    when: { status: [429], messageMatches: /quota/i },
    class: 'rate_limit',
    subReason: 'quota',
    retryable: false,
  },
  {
    when: { status: [429], messageMatches: /request too large/i },
    class: 'rate_limit',
    subReason: 'request_too_large',
    retryable: false,
  },
  { when: { status: [429] }, class: 'rate_limit', subReason: 'rate_limit' },
  // generic envelope types: the request was wrong, or the server failed (any status)
  {
    when: {
      type: ['invalid_request_error', 'BadRequestError', 'UnprocessableEntityError', 'not_supported_error'],
      envelope: true,
    },
    class: 'bad_request',
    subReason: 'invalid_request',
    retryable: false,
  },
  {
    when: { type: ['not_found_error', 'NotFoundError'], envelope: true },
    class: 'bad_request',
    subReason: 'not_found',
    retryable: false,
  },
  {
    when: { type: ['unavailable_error', 'service_unavailable'], envelope: true },
    class: 'upstream',
    subReason: 'overloaded',
  },
  { when: { type: ['timeout_error'], envelope: true }, class: 'timeout', subReason: 'upstream_timeout' },
  // (a 5xx already says "server failed", and its status names the failure more finely: 503 overloaded)
  {
    when: {
      type: ['server_error', 'api_error', 'InternalServerError'],
      statusRange: [200, 299],
      envelope: true,
    },
    class: 'upstream',
    subReason: 'server_error',
  },
  // the status decides when the envelope says nothing
  { when: { status: [408] }, class: 'timeout', subReason: 'request_timeout' },
  { when: { status: [504, 524] }, class: 'timeout', subReason: 'gateway_timeout' },
  {
    when: { status: [502], upstreamNoConnect: true },
    class: 'network',
    subReason: 'upstream_connect_failure',
  },
  { when: { parse: ['html'], statusRange: [400, 404] }, class: 'redirect', subReason: 'html_not_json' },
  {
    when: { status: [400, 422], messageMatches: /stream_options|include_usage/i },
    class: 'bad_request',
    subReason: 'unsupported_param',
  },
  { when: { status: [404] }, class: 'bad_request', subReason: 'not_found' },
  { when: { status: [405] }, class: 'bad_request', subReason: 'method_not_allowed' },
  { when: { status: [413] }, class: 'bad_request', subReason: 'payload_too_large' },
  { when: { status: [400, 409, 422] }, class: 'bad_request', subReason: 'invalid_request' },
  { when: { status: [503, 529] }, class: 'upstream', subReason: 'overloaded' },
  { when: { status: [502] }, class: 'upstream', subReason: 'bad_gateway' },
  { when: { status: [500] }, class: 'upstream', subReason: 'server_error' },
  { when: { statusRange: [300, 399] }, class: 'redirect', subReason: 'redirect' },
  { when: { statusRange: [400, 499] }, class: 'bad_request', subReason: 'client_error' },
  { when: { statusRange: [500, 599] }, class: 'upstream', subReason: 'server_error' },
  // 2xx that still failed
  { when: { statusRange: [200, 299], parse: ['html'] }, class: 'redirect', subReason: 'html_not_json' },
  { when: { statusRange: [200, 299], parse: ['invalid_json'] }, class: 'parse', subReason: 'invalid_json' },
  { when: { statusRange: [200, 299], parse: ['empty'] }, class: 'parse', subReason: 'empty_body' },
  // over the receiver's JSON depth / value limits: not parsed, so not judged (bounded work per body)
  {
    when: { statusRange: [200, 299], parse: ['too_deep', 'too_many_values'] },
    class: 'parse',
    subReason: 'body_too_complex',
  },
  {
    when: { statusRange: [200, 299], anomaly: ['error_event'] },
    class: 'upstream',
    subReason: 'stream_error_event',
  },
  // a 2xx whose body is an error envelope that named no known type or code
  { when: { statusRange: [200, 299], envelope: true }, class: 'upstream', subReason: 'error_body_2xx' },
  { when: { statusRange: [200, 299], anomaly: ['stalled'] }, class: 'timeout', subReason: 'stream_stalled' },
  {
    when: { statusRange: [200, 299], anomaly: ['invalid_json', 'garbage', 'too_complex'] },
    class: 'parse',
    subReason: 'stream_malformed',
  },
  {
    when: { statusRange: [200, 299], anomaly: ['no_done', 'body_limit'] },
    class: 'parse',
    subReason: 'stream_truncated',
  },
  { when: { statusRange: [200, 299], verdict: 'violation' }, class: 'schema', subReason: 'schema_violation' },
];
