// SPDX-License-Identifier: Apache-2.0
// Every metric, span, span event, log and attribute name driftwatch emits, in one module
// (DESIGN.md §4): the GenAI conventions are still "development" upstream, so a rename must be
// one edit here. docs/signals.md documents each entry; a test keeps the two in step.

import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
} from '@opentelemetry/semantic-conventions/incubating';

export type InstrumentKind = 'counter' | 'histogram' | 'gauge';
export type Family = 'contract' | 'genai';

export interface MetricDef {
  /** OTLP metric name. */
  readonly name: string;
  readonly kind: InstrumentKind;
  /** UCUM unit; `{...}` annotations are dropped by the Prometheus translation. */
  readonly unit: string;
  readonly description: string;
  /** Attribute keys this metric may carry (a key is omitted when the record lacks the value). */
  readonly attributes: readonly string[];
  readonly family: Family;
  /** Explicit bucket boundaries (histograms only). */
  readonly buckets?: readonly number[];
}

/** Low-cardinality attributes of the contract family (DESIGN.md §4). */
export const ATTR = {
  provider: 'provider',
  endpoint: 'endpoint',
  model: 'model',
  source: 'source',
  probe: 'probe',
  promptSize: 'prompt_size',
  path: 'path',
  present: 'present',
  finishReason: 'finish_reason',
  verdict: 'verdict',
  driftKind: 'kind',
  phase: 'phase',
  errorClass: 'error_class',
  subReason: 'sub_reason',
  statusCode: 'status_code',
  owner: 'owner',
  retryable: 'retryable',
  matched: 'matched',
  held: 'held',
  probeKind: 'kind',
  contract: 'contract',
  event: 'event',
  receiver: 'receiver',
  attribute: 'attribute',
  gateway: 'gateway',
  upstream: 'upstream',
  outcome: 'outcome',
  retryKind: 'kind',
} as const;

/** GenAI semantic-convention attribute keys, from @opentelemetry/semantic-conventions 1.45. */
export const GENAI = {
  operationName: ATTR_GEN_AI_OPERATION_NAME,
  providerName: ATTR_GEN_AI_PROVIDER_NAME,
  requestModel: ATTR_GEN_AI_REQUEST_MODEL,
  responseModel: ATTR_GEN_AI_RESPONSE_MODEL,
  responseId: ATTR_GEN_AI_RESPONSE_ID,
  finishReasons: ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  requestStream: ATTR_GEN_AI_REQUEST_STREAM,
  requestMaxTokens: ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  tokenType: ATTR_GEN_AI_TOKEN_TYPE,
  usageInput: ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  usageOutput: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  usageCacheRead: ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  usageReasoning: ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  timeToFirstChunk: ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  serverAddress: ATTR_SERVER_ADDRESS,
  serverPort: ATTR_SERVER_PORT,
  errorType: ATTR_ERROR_TYPE,
  httpStatus: ATTR_HTTP_RESPONSE_STATUS_CODE,
} as const;

/**
 * gen_ai.provider.name for driftwatch's provider labels: the well-known values where the
 * conventions have one (Azure OpenAI is `azure.ai.openai`), else the label itself.
 */
const GENAI_PROVIDER_NAMES: Record<string, string> = {
  azure_openai: GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  openai: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  groq: GEN_AI_PROVIDER_NAME_VALUE_GROQ,
};
export function genAiProviderName(provider: string): string {
  return GENAI_PROVIDER_NAMES[provider] ?? provider;
}

/** The one operation driftwatch watches today. */
export const GENAI_OPERATION_CHAT = GEN_AI_OPERATION_NAME_VALUE_CHAT;

const BASE = [ATTR.provider, ATTR.endpoint, ATTR.model, ATTR.source, ATTR.probe] as const;
const GENAI_ATTRS = [
  GENAI.operationName,
  GENAI.providerName,
  GENAI.requestModel,
  GENAI.responseModel,
  GENAI.serverAddress,
  GENAI.serverPort,
  GENAI.errorType,
] as const;

/** Seconds buckets for the contract latency histograms: 5 ms .. 2 min (base units, like Prometheus). */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** Seconds in a day: review age and certificate expiry are kept in days by the judge, exported in seconds. */
export const SECONDS_PER_DAY = 86_400;
/** GenAI conventions' advice for duration histograms (seconds). */
export const GENAI_SECONDS_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** GenAI conventions' advice for token usage histograms. */
export const GENAI_TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

function counter(name: string, unit: string, description: string, extra: readonly string[] = []): MetricDef {
  return { name, kind: 'counter', unit, description, attributes: [...BASE, ...extra], family: 'contract' };
}
function secondsHistogram(name: string, description: string, extra: readonly string[] = []): MetricDef {
  return {
    name,
    kind: 'histogram',
    unit: 's',
    description,
    attributes: [...BASE, ...extra],
    family: 'contract',
    buckets: SECONDS_BUCKETS,
  };
}

/** The contract family: the reliability guide's names. */
export const CONTRACT = {
  request: counter('llm.request', '{request}', 'Every observed chat-completions call.'),
  requestSchemaInvalid: counter(
    'llm.request.schema_invalid',
    '{request}',
    'Requests that broke the request contract before they were sent.',
  ),
  requestStreamEnabled: counter(
    'llm.request.stream_enabled',
    '{request}',
    'Requests that asked for streaming.',
  ),
  requestTimeoutBudget: {
    name: 'llm.request.timeout_budget',
    kind: 'gauge',
    unit: 's',
    description: 'Client timeout budget of the last request.',
    attributes: BASE,
    family: 'contract',
  } as MetricDef,
  responseSchemaValid: counter(
    'llm.response.schema_valid',
    '{response}',
    'Responses that satisfied the contract.',
  ),
  responseSchemaInvalid: counter(
    'llm.response.schema_invalid',
    '{response}',
    'Responses (including HTTP 200) that broke the contract.',
  ),
  responseMissingChoices: counter(
    'llm.response.missing_choices',
    '{response}',
    'Responses without a non-empty choices array.',
  ),
  responseEmptyContent: counter(
    'llm.response.empty_content',
    '{response}',
    'Responses whose first choice carried no assistant content.',
  ),
  responseMissingUsage: counter(
    'llm.response.missing_usage',
    '{response}',
    'Responses without a usage object.',
  ),
  responseMissingField: counter(
    'llm.response.missing_field',
    '{response}',
    'Missing required fields, by contract JSON path.',
    [ATTR.path],
  ),
  responseFinishReason: counter('llm.response.finish_reason', '{response}', 'Finish reasons seen.', [
    ATTR.finishReason,
  ]),
  responseRateLimitHeaders: counter(
    'llm.response.ratelimit_headers',
    '{response}',
    'Responses with (present=true) or without (present=false) any x-ratelimit-* header.',
    [ATTR.present],
  ),
  verdict: counter('llm.contract.verdict', '{call}', 'Contract verdicts (ok / drift / violation).', [
    ATTR.verdict,
  ]),
  driftEvents: counter(
    'llm.drift.events',
    '{event}',
    'Drift findings: kind=new_shape when a new response shape appeared, kind=finding otherwise.',
    [ATTR.driftKind],
  ),
  contractReviewAge: {
    name: 'llm.contract.review_age',
    kind: 'gauge',
    unit: 's',
    description: "Seconds since the contract file's review date.",
    attributes: [ATTR.provider, ATTR.endpoint, ATTR.contract],
    family: 'contract',
  } as MetricDef,
  latency: secondsHistogram('llm.latency', 'End-to-end call duration as the client saw it.', [
    ATTR.promptSize,
  ]),
  timeToFirstByte: secondsHistogram('llm.time_to_first_byte', 'Time to the first response byte.', [
    ATTR.promptSize,
  ]),
  timeToFirstToken: secondsHistogram(
    'llm.time_to_first_token',
    'Time to the first content token (streaming).',
    [ATTR.promptSize],
  ),
  completionDuration: secondsHistogram(
    'llm.completion_duration',
    'Time from the first byte to the end of the response.',
    [ATTR.promptSize],
  ),
  phaseDuration: secondsHistogram(
    'llm.phase.duration',
    'Connection phases: phase = dns, connect, tls (probes, and proxied calls that opened a connection) or upstream (gateway logs).',
    [ATTR.phase],
  ),
  clientTimeout: counter(
    'llm.client_timeout',
    '{request}',
    'Calls the client gave up on (its own deadline).',
  ),
  usagePromptTokens: counter('llm.usage.prompt_tokens', '{token}', 'Prompt tokens reported in usage.'),
  usageCompletionTokens: counter(
    'llm.usage.completion_tokens',
    '{token}',
    'Completion tokens reported in usage.',
  ),
  usageTotalTokens: counter('llm.usage.total_tokens', '{token}', 'Total tokens reported in usage.'),
  error: counter('llm.error', '{error}', 'Errors by class, with status code, owner and retry decision.', [
    ATTR.errorClass,
    ATTR.subReason,
    ATTR.statusCode,
    ATTR.owner,
    ATTR.retryable,
  ]),
  fallbackActivation: counter(
    'llm.fallback.activation',
    '{request}',
    'Calls that needed a second attempt after a failed first one (client retry, gateway retry or fallback upstream).',
  ),
  retrySuccessAfterFailure: counter(
    'llm.retry.success_after_failure',
    '{request}',
    'Calls that succeeded after a first failed attempt (client retry or gateway fallback).',
  ),
  probeSuccess: {
    name: 'llm.probe.success',
    kind: 'gauge',
    unit: '',
    description:
      'Last probe result: 1 when the call succeeded without a violation, else 0 (like probe_success).',
    attributes: BASE,
    family: 'contract',
  } as MetricDef,
  probeExpectation: counter(
    'llm.probe.expectation',
    '{probe}',
    'Deliberate probes (invalid_request, timeout_boundary) by outcome: held=true when the server failed the way the probe expects.',
    [ATTR.probeKind, ATTR.held],
  ),
  probeAnswerMatched: counter('llm.probe.answer_matched', '{probe}', 'Soft answer check of probes.', [
    ATTR.matched,
  ]),
  tlsCertificateExpiry: {
    name: 'llm.tls.certificate.expiry',
    kind: 'gauge',
    unit: 's',
    description: "Seconds until the provider's TLS certificate expires (negative once expired).",
    attributes: BASE,
    family: 'contract',
  } as MetricDef,
  probeBudgetExhausted: {
    name: 'llm.probe.budget_exhausted',
    kind: 'counter',
    unit: '{event}',
    description: 'Times a probe receiver spent its call or token budget and paused probing.',
    attributes: [ATTR.receiver, ATTR.probe],
    family: 'contract',
  } as MetricDef,
  docsChanged: {
    name: 'llm.docs.changed',
    kind: 'counter',
    unit: '{event}',
    description: 'Times a watched provider documentation page changed (asks for a contract review).',
    attributes: [ATTR.receiver],
    family: 'contract',
  } as MetricDef,
  attributeOverflow: {
    name: 'llm.attribute.overflow',
    kind: 'counter',
    unit: '{value}',
    description:
      'Upstream label values exported as `other`: past the first values seen per target and not named by the contract or config.',
    attributes: [ATTR.provider, ATTR.endpoint, ATTR.attribute],
    family: 'contract',
  } as MetricDef,
  watchEvents: {
    name: 'llm.watch.events',
    kind: 'counter',
    unit: '{event}',
    description: 'Every watch event record, by event name.',
    attributes: [ATTR.receiver, ATTR.event],
    family: 'contract',
  } as MetricDef,
} as const;

/**
 * Gateway access logs: the calls each gateway served and what it did upstream. `gateway` keeps
 * several gateways apart (the receiver's name unless configured); `upstream` is the member
 * (address or server name, bounded by the receiver's `max_upstreams`).
 */
const GATEWAY_BASE = [ATTR.gateway, ATTR.provider, ATTR.endpoint, ATTR.model] as const;
export const GATEWAY = {
  requests: {
    name: 'llm.gateway.requests',
    kind: 'counter',
    unit: '{request}',
    description: 'Calls a gateway logged, by final status code.',
    attributes: [...GATEWAY_BASE, ATTR.statusCode],
    family: 'contract',
  } as MetricDef,
  retries: {
    name: 'llm.gateway.retries',
    kind: 'counter',
    unit: '{request}',
    description:
      'Calls the gateway tried again: kind=retry (same upstream group), fallback (another group), redispatch (HAProxy, another server).',
    attributes: [...GATEWAY_BASE, ATTR.retryKind, ATTR.outcome],
    family: 'contract',
  } as MetricDef,
  upstreamAttempts: {
    name: 'llm.gateway.upstream.attempts',
    kind: 'counter',
    unit: '{attempt}',
    description:
      'Upstream attempts by member and outcome (ok, failed, unknown): shows a dead member behind final 200s.',
    attributes: [ATTR.gateway, ATTR.endpoint, ATTR.upstream, ATTR.outcome],
    family: 'contract',
  } as MetricDef,
} as const;

/** The GenAI semantic-conventions family. */
export const GENAI_METRICS = {
  operationDuration: {
    name: 'gen_ai.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'GenAI operation duration.',
    attributes: GENAI_ATTRS,
    family: 'genai',
    buckets: GENAI_SECONDS_BUCKETS,
  } as MetricDef,
  tokenUsage: {
    name: 'gen_ai.client.token.usage',
    kind: 'histogram',
    unit: '{token}',
    description: 'Input and output tokens used, by gen_ai.token.type.',
    attributes: [...GENAI_ATTRS, GENAI.tokenType],
    family: 'genai',
    buckets: GENAI_TOKEN_BUCKETS,
  } as MetricDef,
  timeToFirstChunk: {
    name: 'gen_ai.client.operation.time_to_first_chunk',
    kind: 'histogram',
    unit: 's',
    description: 'Time to the first streamed chunk (streaming only).',
    attributes: GENAI_ATTRS,
    family: 'genai',
    buckets: GENAI_SECONDS_BUCKETS,
  } as MetricDef,
  timePerOutputChunk: {
    name: 'gen_ai.client.operation.time_per_output_chunk',
    kind: 'histogram',
    unit: 's',
    description: 'Time between streamed chunks after the first (streaming only).',
    attributes: GENAI_ATTRS,
    family: 'genai',
    buckets: GENAI_SECONDS_BUCKETS,
  } as MetricDef,
} as const;

export const ALL_METRICS: readonly MetricDef[] = [
  ...Object.values(CONTRACT),
  ...Object.values(GATEWAY),
  ...Object.values(GENAI_METRICS),
];

/** Span names, kinds and attributes (GenAI: `{operation} {model}`, kind CLIENT). */
export const SPAN = {
  /** Span name when the model is unknown. */
  nameWithoutModel: GENAI_OPERATION_CHAT,
  name: (model: string | undefined): string =>
    model ? `${GENAI_OPERATION_CHAT} ${model}` : GENAI_OPERATION_CHAT,
  tracer: 'driftwatch',
} as const;

/** driftwatch's own span attributes (namespaced so they never collide with conventions). */
export const SPAN_ATTR = {
  source: 'driftwatch.source',
  receiver: 'driftwatch.receiver',
  probe: 'driftwatch.probe',
  probeKind: 'driftwatch.probe.kind',
  endpoint: 'driftwatch.endpoint',
  verdict: 'driftwatch.verdict',
  errorClass: 'driftwatch.error.class',
  subReason: 'driftwatch.error.sub_reason',
  owner: 'driftwatch.owner',
  firstAction: 'driftwatch.first_action',
  retryable: 'driftwatch.retryable',
  findings: 'driftwatch.findings',
  shapeHash: 'driftwatch.shape.hash',
  requestId: 'driftwatch.request_id',
  transportError: 'driftwatch.transport_error',
  synthetic: 'driftwatch.synthetic',
} as const;

/** Phase events on each call span, in the order they happen (namespaced: event names share one space). */
export const SPAN_EVENTS = {
  dns: 'driftwatch.phase.dns',
  connect: 'driftwatch.phase.connect',
  tls: 'driftwatch.phase.tls',
  firstByte: 'driftwatch.phase.first_byte',
  firstToken: 'driftwatch.phase.first_token',
  done: 'driftwatch.phase.done',
} as const;

/** The agent's own spans (service.telemetry traces): one CLIENT span per otlp_http export. */
export const SELF_SPAN_ATTR = {
  exporter: 'driftwatch.exporter',
  signal: 'driftwatch.signal',
  attempts: 'driftwatch.attempts',
  retryEvent: 'driftwatch.retry',
  delayMs: 'driftwatch.retry.delay_ms',
} as const;

/**
 * The event a receiver sends when it starts, once per configured target (receiver × probe ×
 * model × prompt size): exporters create that target's alerting counters at 0 so the first real
 * event is an increase (issue 13 item 2). No log record, span or watch-event count.
 */
export const TARGET_DECLARED_EVENT = 'target.declared';

/** Log records: their EventName (the LogRecord field, not the deprecated `event.name` attribute) and attributes. */
export const LOG_EVENTS = {
  drift: 'driftwatch.contract.drift',
  violation: 'driftwatch.contract.violation',
  /** Watch events keep their own name under this prefix: `driftwatch.watch.probe.budget_exhausted`. */
  watchPrefix: 'driftwatch.watch.',
} as const;

export const LOG_ATTR = {
  verdict: SPAN_ATTR.verdict,
  errorClass: SPAN_ATTR.errorClass,
  subReason: SPAN_ATTR.subReason,
  owner: SPAN_ATTR.owner,
  firstAction: SPAN_ATTR.firstAction,
  findings: SPAN_ATTR.findings,
  shapeHash: SPAN_ATTR.shapeHash,
  shapeAdded: 'driftwatch.shape.added',
  shapeRemoved: 'driftwatch.shape.removed',
  shapeChanged: 'driftwatch.shape.changed',
  errorShape: 'driftwatch.error.shape',
  provider: 'driftwatch.provider',
  model: GENAI.requestModel,
  source: SPAN_ATTR.source,
  probe: SPAN_ATTR.probe,
  receiver: SPAN_ATTR.receiver,
} as const;

const UNIT_WORDS: Record<string, string> = {
  ms: 'milliseconds',
  s: 'seconds',
  d: 'days',
  h: 'hours',
  min: 'minutes',
  By: 'bytes',
};

/**
 * The Prometheus name a metric becomes (the OTLP→Prometheus translation VictoriaMetrics'
 * `-opentelemetry.usePrometheusNaming` and Prometheus' otlptranslator apply): split on
 * non-alphanumerics; counters lose any `total` token; the unit word is appended unless a token
 * already is that word; counters end in `_total`. Annotations like `{request}` are dropped.
 * So `llm.usage.total_tokens` is stored as `llm_usage_tokens_total` (checked against a real
 * VictoriaMetrics in the exporter tests).
 */
export function prometheusName(def: MetricDef): string {
  let tokens = def.name.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  if (def.kind === 'counter') tokens = tokens.filter((t) => t !== 'total');
  const word = UNIT_WORDS[def.unit];
  if (word && !tokens.includes(word)) tokens.push(word);
  if (def.kind === 'counter') tokens.push('total');
  return tokens.join('_');
}

/** Prometheus label name for an attribute key. */
export function prometheusLabel(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}
