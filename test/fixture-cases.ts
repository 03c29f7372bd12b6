// SPDX-License-Identifier: Apache-2.0
// Every copied fixture with the verdict, class and findings it must get, and why (the same
// reasons are tabled in docs/contracts.md; a test keeps the two in step).
import type { ErrorClass, Verdict } from '../src/model/call-record.js';

export const COMETAPI = 'config/contracts/cometapi-chat-completions.yaml';
export const OPENAI = 'config/contracts/openai-chat-completions.yaml';
export const GROQ_X = 'test/fixtures/contracts/groq-x-groq-usage.yaml';
export const LLAMACPP = 'config/contracts/llamacpp-chat-completions.yaml';
export const VLLM = 'config/contracts/vllm-chat-completions.yaml';
export const OLLAMA = 'config/contracts/ollama-chat-completions.yaml';
export const LITELLM = 'config/contracts/litellm-chat-completions.yaml';
export const OPENROUTER = 'config/contracts/openrouter-chat-completions.yaml';
export const AZURE = 'config/contracts/azure-openai-chat-completions.yaml';

export interface FixtureCase {
  fixture: string;
  contract?: string;
  includeUsage?: boolean;
  maxTokens?: number;
  verdict: Verdict;
  errorClass?: ErrorClass;
  subReason?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  /** `level:kind:path` findings that must be present. */
  findings?: string[];
  why: string;
}

export const CASES: FixtureCase[] = [
  // non-streaming 200 bodies
  {
    fixture: 'responses/azure-finish-content-filter-no-message.json',
    verdict: 'violation',
    errorClass: 'schema',
    subReason: 'schema_violation',
    findings: ['violation:missing:choices[0].message.content', 'drift:missing:choices[].message'],
    why: 'the choice has no `message`: compat passes, but the path the application reads is gone',
  },
  {
    fixture: 'responses/azure-gpt41mini-content-filter-results.json',
    verdict: 'drift',
    findings: ['drift:unexpected:prompt_filter_results', 'drift:unexpected:choices[].content_filter_results'],
    why: 'the `*_filter_results` keys are outside the OpenAI contract: drift on the first call, no learned shape needed',
  },
  {
    fixture: 'responses/azure-gpt5mini-latency-checkpoint.json',
    verdict: 'drift',
    findings: ['drift:unexpected:usage.latency_checkpoint'],
    why: '`system_fingerprint: null` is allowed; `usage.latency_checkpoint` is outside the OpenAI contract',
  },
  {
    fixture: 'responses/cometapi-doc-gpt41nano-2026.json',
    contract: COMETAPI,
    verdict: 'ok',
    why: 'the current CometAPI doc example meets the strict schema',
  },
  {
    fixture: 'responses/cometapi-doc-gpt4o-2025-empty-token-details.json',
    contract: COMETAPI,
    verdict: 'drift',
    findings: ['drift:missing:choices[].message.refusal'],
    why: '`refusal` (spec-required) is missing; clients still work',
  },
  {
    fixture: 'responses/groq-kimik2-2026-service-tier-on_demand.json',
    verdict: 'drift',
    findings: ['drift:missing:choices[].message.refusal', 'drift:enum:service_tier'],
    why: '`service_tier: on_demand` is outside the spec enum and `refusal` is missing',
  },
  {
    fixture: 'responses/groq-llama3-usage-timings-x_groq.json',
    verdict: 'drift',
    findings: ['drift:missing:choices[].message.refusal'],
    why: '`refusal` missing; Groq timing extras in `usage` are allowed',
  },
  { fixture: 'responses/openai-gpt4o-basic-stop.json', verdict: 'ok', why: 'the reference shape' },
  {
    fixture: 'responses/openai-gpt4o-finish-length.json',
    maxTokens: 1,
    verdict: 'ok',
    why: '`length` is a known finish reason; completion_tokens 1 <= max_tokens 1',
  },
  {
    fixture: 'responses/openai-gpt4o-n3-multiple-choices.json',
    verdict: 'ok',
    why: 'n=3 choices, each valid',
  },
  {
    fixture: 'responses/openai-gpt4o-refusal.json',
    verdict: 'ok',
    why: 'content null with a refusal string counts as output',
  },
  {
    fixture: 'responses/openai-gpt4o-tool-calls.json',
    verdict: 'ok',
    why: 'content null with tool_calls counts as output',
  },
  {
    fixture: 'responses/openai-gpt4omini-cached-tokens.json',
    verdict: 'ok',
    why: 'cached_tokens <= prompt_tokens, all usage fields integers',
  },
  {
    fixture: 'responses/openai-gpt5-service-tier-priority-no-logprobs.json',
    verdict: 'ok',
    why: 'no `logprobs` key and null fingerprint: both deliberately relaxed in the strict schema',
  },
  {
    fixture: 'responses/openai-gpt5nano-reasoning-tokens.json',
    verdict: 'ok',
    why: 'reasoning tokens inside completion_tokens; total == prompt + completion',
  },
  {
    fixture: 'responses/openrouter-gpt54nano-provider-cost-native-finish.json',
    verdict: 'drift',
    findings: ['drift:unexpected:provider', 'drift:unexpected:usage.cost'],
    why: 'provider/cost extras are outside the OpenAI contract (the schema still holds)',
  },
  // streams
  {
    fixture: 'streams/azure-gpt41mini-prompt-filter-chunk-obfuscation.sse',
    verdict: 'drift',
    findings: ['drift:value:chunk.id', 'drift:enum:chunk.object'],
    why: 'first chunk has `id:""`, `object:""` (prompt-filter chunk); usage was not requested',
  },
  {
    fixture: 'streams/azure-gpt5mini-latency-checkpoint-usage-chunk.sse',
    includeUsage: true,
    verdict: 'drift',
    findings: ['drift:value:chunk.id'],
    why: 'same empty first chunk; usage arrives on the usage chunk',
  },
  {
    fixture: 'streams/groq-llama3-usage-in-x_groq.sse',
    includeUsage: true,
    verdict: 'violation',
    errorClass: 'schema',
    findings: ['violation:missing:usage'],
    why: 'usage requested, but it only arrives in `x_groq.usage`, a place the OpenAI contract does not list',
  },
  {
    fixture: 'streams/groq-llama3-usage-in-x_groq.sse',
    contract: GROQ_X,
    includeUsage: true,
    verdict: 'ok',
    why: 'a contract that lists `x_groq.usage` in `stream.usage_from` accepts the same stream',
  },
  {
    fixture: 'streams/litellm-proxy-partial-usage-on-every-chunk.sse',
    includeUsage: true,
    verdict: 'violation',
    errorClass: 'parse',
    subReason: 'stream_truncated',
    findings: [
      'violation:stream:stream',
      'violation:missing:choices[0].finish_reason',
      'violation:missing:usage.completion_tokens',
    ],
    why: 'one chunk, no `[DONE]`, no finish reason, partial usage',
  },
  {
    fixture: 'streams/openai-gpt4o-basic-include-usage.sse',
    includeUsage: true,
    verdict: 'ok',
    why: 'the reference stream: usage chunk with `choices: []`, then `[DONE]`',
  },
  {
    fixture: 'streams/openai-gpt4o-finish-length.sse',
    includeUsage: true,
    maxTokens: 1,
    verdict: 'ok',
    why: 'finish `length`, completion_tokens 1 <= max_tokens 1',
  },
  {
    fixture: 'streams/openai-gpt4o-logprobs.sse',
    includeUsage: true,
    verdict: 'ok',
    why: 'logprobs objects in chunks are valid',
  },
  {
    fixture: 'streams/openai-gpt4o-n3-multiple-choices.sse',
    includeUsage: true,
    verdict: 'ok',
    why: 'three interleaved choices assemble with a finish reason each',
  },
  {
    fixture: 'streams/openai-gpt4o-refusal.sse',
    includeUsage: true,
    verdict: 'ok',
    why: '`delta.refusal` counts as output',
  },
  {
    fixture: 'streams/openai-gpt4o-tool-calls.sse',
    includeUsage: true,
    verdict: 'ok',
    why: 'tool-call deltas count as output',
  },
  {
    fixture: 'streams/openai-gpt5-2026-obfuscation-no-logprobs-key.sse',
    includeUsage: true,
    verdict: 'ok',
    why: '`obfuscation` is in the chunk schema; `logprobs` is optional',
  },
  {
    fixture: 'streams/openrouter-gpt54nano-processing-comment-usage-in-nonempty-choices.sse',
    includeUsage: true,
    verdict: 'drift',
    findings: ['drift:unexpected:chunk.provider', 'drift:unexpected:chunk.usage.cost'],
    why: 'SSE comments are skipped and usage on a chunk with non-empty choices is found; provider/cost extras are outside the OpenAI contract',
  },
  // error envelopes
  {
    fixture: 'errors/azure-400-content-filter-prompt.json',
    verdict: 'drift',
    errorClass: 'bad_request',
    subReason: 'content_filter',
    retryable: false,
    findings: ['drift:type:error.type'],
    why: '`error.type: null` breaks the strict envelope; code `content_filter` names the sub-reason',
  },
  {
    fixture: 'errors/azure-401-invalid-subscription-key.json',
    verdict: 'drift',
    errorClass: 'auth',
    retryable: false,
    findings: ['drift:missing:error.type', 'drift:missing:error.param'],
    why: 'APIM envelope without `type`/`param`; 401 is auth whatever the envelope',
  },
  {
    fixture: 'errors/cometapi-400-model-name-required.json',
    contract: COMETAPI,
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'invalid_request',
    retryable: false,
    why: 'the CometAPI envelope (no `param`, empty `code`) is what the CometAPI contract expects',
  },
  {
    fixture: 'errors/cometapi-400-model-name-required.json',
    contract: OPENAI,
    verdict: 'drift',
    errorClass: 'bad_request',
    findings: ['drift:missing:error.param'],
    why: 'judged by the OpenAI contract the same envelope lacks the spec-required `param`',
  },
  {
    fixture: 'errors/cometapi-error-envelope-invalid_request.json',
    contract: COMETAPI,
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'invalid_request_500',
    retryable: false,
    why: 'CometAPI 500 with `code: invalid_request` is a client error: the contract rule wins over "500 is retryable"',
  },
  {
    fixture: 'errors/openai-400-invalid-image-url.json',
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'invalid_request',
    retryable: false,
    why: 'spec envelope, 400',
  },
  {
    fixture: 'errors/openai-401-invalid-api-key.json',
    verdict: 'ok',
    errorClass: 'auth',
    subReason: 'unauthorized',
    retryable: false,
    why: 'spec envelope, 401',
  },
  {
    fixture: 'errors/openai-404-model-not-found-deprecated.json',
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'model_not_found',
    retryable: false,
    why: '404 with `code: model_not_found`',
  },
  {
    fixture: 'errors/openai-429-insufficient-quota.json',
    verdict: 'ok',
    errorClass: 'rate_limit',
    subReason: 'quota',
    retryable: false,
    why: '429 but `insufficient_quota`: billing, never retry',
  },
  {
    fixture: 'errors/openai-429-rate-limit-rpm-type-requests.json',
    verdict: 'ok',
    errorClass: 'rate_limit',
    subReason: 'rate_limit',
    retryable: true,
    retryAfterMs: 20_000,
    why: 'a real rate limit: retry, after the 20s the message asks for',
  },
  {
    fixture: 'errors/openai-429-request-too-large-tpm-type-tokens.json',
    verdict: 'ok',
    errorClass: 'rate_limit',
    subReason: 'request_too_large',
    retryable: false,
    why: 'request larger than the TPM limit never succeeds on retry',
  },
  {
    fixture: 'errors/openai-500-server-error.json',
    verdict: 'ok',
    errorClass: 'upstream',
    subReason: 'server_error',
    retryable: true,
    why: '500 `server_error`, code null',
  },
  {
    fixture: 'errors/openai-503-model-overloaded.json',
    verdict: 'ok',
    errorClass: 'upstream',
    subReason: 'overloaded',
    retryable: true,
    why: '503 overloaded',
  },
  // provider profiles (config/contracts/<provider>-chat-completions.yaml)
  {
    fixture: 'responses/azure-gpt41mini-content-filter-results.json',
    contract: AZURE,
    verdict: 'ok',
    why: 'the Azure profile declares the content-filter annotations (`extra_fields`)',
  },
  {
    fixture: 'responses/azure-gpt5mini-latency-checkpoint.json',
    contract: AZURE,
    verdict: 'ok',
    why: 'the Azure profile declares `usage.latency_checkpoint`',
  },
  {
    fixture: 'streams/azure-gpt41mini-prompt-filter-chunk-obfuscation.sse',
    contract: AZURE,
    verdict: 'ok',
    why: 'the empty-id prompt-filter chunk is accepted known drift in the Azure profile (reason and review date in `accepted`)',
  },
  {
    fixture: 'responses/openrouter-gpt54nano-provider-cost-native-finish.json',
    contract: OPENROUTER,
    verdict: 'ok',
    why: 'the OpenRouter profile declares provider, native_finish_reason and the cost fields',
  },
  {
    fixture: 'streams/openrouter-gpt54nano-processing-comment-usage-in-nonempty-choices.sse',
    contract: OPENROUTER,
    includeUsage: true,
    verdict: 'ok',
    why: 'the same stream under the OpenRouter profile: comments skipped, extras declared',
  },
  {
    fixture: 'streams/litellm-proxy-partial-usage-on-every-chunk.sse',
    contract: LITELLM,
    includeUsage: true,
    verdict: 'violation',
    errorClass: 'parse',
    subReason: 'stream_truncated',
    why: 'the LiteLLM profile does not excuse a stream without `[DONE]` or a finish reason',
  },
  {
    fixture: 'errors/llamacpp-500-only-one-choice.json',
    contract: LLAMACPP,
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'invalid_request_500',
    retryable: false,
    why: 'llama-server answers `n > 1` with 500 server_error; its message names a client error, so the llamacpp rule makes it bad_request, not retried',
  },
  {
    fixture: 'errors/llamacpp-500-only-one-choice.json',
    contract: OPENAI,
    verdict: 'drift',
    errorClass: 'upstream',
    subReason: 'server_error',
    retryable: true,
    why: 'without the llama.cpp profile a 500 server_error is the server failing (and the envelope lacks `param`)',
  },
  {
    fixture: 'errors/llamacpp-400-exceed-context.json',
    contract: LLAMACPP,
    verdict: 'ok',
    errorClass: 'bad_request',
    retryable: false,
    why: '`exceed_context_size_error` is a client error whatever the server; the llama.cpp envelope (integer code, no param) is its documented shape',
  },
  {
    fixture: 'errors/vllm-400-top-level-context-length.json',
    contract: VLLM,
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'context_length_exceeded',
    retryable: false,
    why: "vLLM's top-level `{object:'error', type: BadRequestError}` envelope; its message names the context limit",
  },
  {
    fixture: 'errors/vllm-404-model-not-found.json',
    contract: VLLM,
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'not_found',
    retryable: false,
    why: '`NotFoundError` for a model the server does not serve: a client error',
  },
  {
    fixture: 'errors/ollama-404-model-not-pulled.json',
    contract: OLLAMA,
    verdict: 'ok',
    errorClass: 'bad_request',
    subReason: 'model_not_pulled',
    retryable: false,
    why: 'the model is not pulled on the server: `ollama pull`, not a retry',
  },
  {
    fixture: 'streams/openrouter-midstream-error-finish-error.sse',
    contract: OPENROUTER,
    verdict: 'violation',
    errorClass: 'upstream',
    subReason: 'bad_gateway',
    retryable: true,
    findings: ['violation:stream:stream'],
    why: "a mid-stream error chunk (`error.code: 502`, finish_reason `error`): the event's code decides the class; the documented finish reason is accepted",
  },
];
