// SPDX-License-Identifier: Apache-2.0
// The one unit of data that flows through every pipeline: one observed LLM API call,
// from a synthetic probe, one gateway access-log line or one real call through the proxy (DESIGN.md §1).
// Bodies live in memory only: no exporter may serialise `response.body`.

export type RecordSource = 'probe' | 'access_log' | 'docs_watch' | 'proxy';
export type Verdict = 'ok' | 'drift' | 'violation';

/** Error classes of DESIGN.md §5, plus `unknown` for shapes nobody has seen yet. */
export type ErrorClass =
  | 'auth'
  | 'bad_request'
  | 'rate_limit'
  | 'timeout'
  | 'upstream'
  | 'network'
  | 'redirect'
  | 'parse'
  | 'schema'
  | 'client_abort'
  | 'unknown';

export interface TargetInfo {
  /** Low-cardinality provider name, e.g. `cometapi`, `openai`. */
  provider: string;
  /** Route template, never a raw URL: `/v1/chat/completions`. */
  endpoint: string;
  /** Host name (or host:port) of the server called; spans only. */
  serverAddress?: string;
  serverPort?: number;
  environment?: string;
  /** Contract file this record is judged against (path or id). */
  contract?: string;
  /** Access logs: which gateway wrote the line (the receiver's name unless configured). */
  gateway?: string;
}

/** The request fingerprint: what was asked, never the prompt text. */
export interface RequestInfo {
  method: string;
  route: string;
  model?: string;
  stream?: boolean;
  includeUsage?: boolean;
  messageCount?: number;
  roles?: string[];
  maxTokens?: number;
  timeoutBudgetMs?: number;
  clientVersion?: string;
  /** Attempts the client says came before this one (`X-Stainless-Retry-Count` of the OpenAI SDKs). */
  clientRetryCount?: number;
  synthetic: boolean;
  /** Probe name and kind when the record comes from the probe receiver. */
  probe?: string;
  probeKind?: string;
  /** `small` / `large`: lets p50/p95 be compared by prompt size. */
  promptSize?: string;
  bodyBytes?: number;
  /** Redacted tenant / workload id (HMAC), never the raw value. */
  tenant?: string;
  /** Request-side contract check done before sending (validate processor reads it). */
  requestBody?: unknown;
}

export interface Usage {
  promptTokens?: number | null;
  completionTokens?: number | null;
  totalTokens?: number | null;
  reasoningTokens?: number | null;
  cachedTokens?: number | null;
  /** Where usage came from: `body`, `final_chunk`, `finish_chunk`, `x_groq`, `log`... */
  origin?: string;
}

/** What a streamed response looked like, as parsed by the SSE reader. */
export interface StreamSummary {
  events: number;
  dataChunks: number;
  comments: number;
  sawDone: boolean;
  /** Anomalies, bounded vocabulary: `no_done`, `error_event`, `invalid_json`, `stalled`, `garbage`... */
  anomalies: string[];
  /** Parsed JSON chunks (in memory only, bounded by the probe's limits). */
  chunks?: unknown[];
  /** Assembled content length per choice (never the text itself once redacted). */
  contentChars?: number;
  errorEvent?: unknown;
}

export interface ResponseInfo {
  status?: number;
  /** Allow-listed headers only (request id, x-ratelimit-*, retry-after, content-type). */
  headers: Record<string, string>;
  contentType?: string;
  bodyBytes?: number;
  /** Body stopped at the configured limit. */
  truncated?: boolean;
  /** Parsed JSON body, in memory only. `undefined` when absent or not JSON. */
  body?: unknown;
  /** Parse state of the body: `json`, `empty`, `invalid_json`, `html`, `sse`, `not_read`. */
  parse?: string;
  model?: string;
  /** The completion's own id (`chatcmpl-…`), kept for gen_ai.response.id after bodies are redacted. */
  responseId?: string;
  finishReasons?: string[];
  usage?: Usage;
  requestId?: string;
  stream?: StreamSummary;
  /** Location header of a 3xx, reduced to its origin (never followed). */
  redirectOrigin?: string;
  /** First content text, kept in memory only for the optional soft answer check. */
  contentText?: string;
}

/** Phase timings in milliseconds, measured by the client itself. */
export interface Timings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  ttfbMs?: number;
  firstEventMs?: number;
  firstTokenMs?: number;
  firstReasoningTokenMs?: number;
  totalMs?: number;
  /** Gateway-reported upstream time (access logs). */
  upstreamMs?: number;
  /** Gaps between stream chunks (bounded sample). */
  chunkGapsMs?: number[];
  chunkCount?: number;
  retryAddedMs?: number;
}

export interface TransportError {
  /** Bounded code: `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `TLS`, `timeout`, `body_timeout`, `body_limit`... */
  code: string;
  phase?: 'dns' | 'connect' | 'tls' | 'headers' | 'body';
  /** Sanitized message; never contains credentials. */
  message?: string;
}

/** Gateway view of upstream attempts (access logs). */
export interface UpstreamInfo {
  statuses: number[];
  attempts: number;
  connectMs?: number;
  /** More than one attempt: a retry or fallback happened. */
  retried: boolean;
  lastAttemptOk?: boolean;
  /** Extra attempts within one upstream group (nginx `, `; HAProxy `%rc`). */
  retries?: number;
  /** Switches to another upstream group (nginx ` : ` after error_page). */
  fallbacks?: number;
  /** HAProxy `+N`: the request was redispatched to another server. */
  redispatched?: boolean;
  /** Upstream members tried, in order, bounded (`other` past the receiver's limit). */
  members?: string[];
}

export interface RetryInfo {
  /** Attempts of the call up to and including the one recorded. */
  attempts: number;
  /** Time the retries added, when the caller measured them (probes). */
  addedMs?: number;
  succeededAfterFailure: boolean;
  /**
   * The record is one attempt of a call its client retried (the proxy sees each attempt): the
   * call's retry is counted on its second attempt, its success on the attempt that succeeded.
   * Otherwise the record is the whole call (a probe retries inside one record).
   */
  perAttempt?: boolean;
}

/** The call needed a second attempt (probe or client retry, gateway retry or fallback); counted once per call. */
export function neededSecondAttempt(r: CallRecord): boolean {
  const retry = r.retry;
  if (retry) return retry.perAttempt ? retry.attempts === 2 : retry.attempts > 1;
  return r.upstream?.retried === true;
}

/** The call succeeded after a failed first attempt; counted once per call. */
export function recoveredAfterFailure(r: CallRecord): boolean {
  return (
    r.retry?.succeededAfterFailure === true ||
    (r.upstream?.retried === true && r.upstream.lastAttemptOk === true)
  );
}

export type FindingKind = 'missing' | 'type' | 'enum' | 'unexpected' | 'value' | 'usage' | 'shape' | 'stream';
export type FindingLevel = 'info' | 'warning' | 'drift' | 'violation';

export interface Finding {
  /** JSON path from the contract's bounded set, e.g. `choices[0].message.content`. */
  path: string;
  kind: FindingKind;
  level: FindingLevel;
  /** Short sanitized note; never body values. */
  note?: string;
}

export interface ShapeDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** What processors decide about a record. */
export interface Findings {
  verdict?: Verdict;
  items: Finding[];
  requestSchemaValid?: boolean;
  responseSchemaValid?: boolean;
  shapeHash?: string;
  /** Set when this record introduced a new shape (a drift event). */
  shapeDiff?: ShapeDiff;
  errorClass?: ErrorClass;
  subReason?: string;
  owner?: string;
  firstAction?: string;
  runbook?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  /** Sanitized error-body shape: keys and JSON types only. */
  errorShape?: Record<string, string>;
  /** What the redact processor did: counts by rule, never values. */
  redactions?: Record<string, number>;
  /** Soft answer check of the probe (never a hard failure). */
  answerMatched?: boolean;
  /** Days since the contract file's `reviewed` date (contract review age signal). */
  contractReviewAgeDays?: number;
  /**
   * Set on deliberate probes only (`invalid_request`, `timeout_boundary`): the failure they
   * provoke is the expected answer, so such a record is judged as an expectation that held or
   * broke, never as a contract violation, a missing field, a client timeout or a failed probe.
   */
  expectation?: ProbeExpectation;
}

/** The outcome of a deliberate probe: did the server answer the way the probe expects? */
export interface ProbeExpectation {
  kind: 'invalid_request' | 'timeout_boundary';
  /** true: the expected failure happened (right class, not retried; the deadline fired). */
  held: boolean;
  /** Short bounded reason when it broke, e.g. `accepted_nonexistent_model`. */
  reason?: string;
  /**
   * The server failed transiently (429, 502/503/504, a network fault) before the probe could test
   * its boundary: nothing the probe tests broke, so it counts as held, with `reason`
   * `transient_<class>`; the next run tests again.
   */
  inconclusive?: boolean;
}

/**
 * A record that is not an LLM call but an event about the watch itself (probe budget
 * exhausted, documentation changed). Processors pass events through untouched; exporters turn
 * them into event counters and log records.
 */
export interface WatchEvent {
  /** Bounded vocabulary: `probe.budget_exhausted`, `docs.changed`, ... */
  name: string;
  attributes: Record<string, string | number | boolean>;
}

export interface CallRecord {
  source: RecordSource;
  /** Set on event records only; such a record carries no call. */
  event?: WatchEvent;
  /** Component id of the receiver that produced it, e.g. `probe/cometapi`. */
  receiver: string;
  /** Wall-clock start, epoch milliseconds. */
  startTimeMs: number;
  target: TargetInfo;
  request: RequestInfo;
  response: ResponseInfo;
  timings: Timings;
  transportError?: TransportError;
  upstream?: UpstreamInfo;
  retry?: RetryInfo;
  tls?: { certDaysLeft?: number; protocol?: string };
  /** Trace context tying the record, its span and the provider request id together. */
  traceId?: string;
  spanId?: string;
  findings: Findings;
  /** Receiver-specific extras (low volume, never exported as attributes). */
  extra?: Record<string, unknown>;
}

/** A fresh, empty record; receivers fill it in. */
export function newCallRecord(
  source: RecordSource,
  receiver: string,
  target: TargetInfo,
  request: RequestInfo,
  startTimeMs = Date.now(),
): CallRecord {
  return {
    source,
    receiver,
    startTimeMs,
    target,
    request,
    response: { headers: {} },
    timings: {},
    findings: { items: [] },
  };
}

/** Deep copy for fan-out to mutating consumers. */
export function cloneRecords(batch: readonly CallRecord[]): CallRecord[] {
  return structuredClone(batch as CallRecord[]);
}
