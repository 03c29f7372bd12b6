// SPDX-License-Identifier: Apache-2.0
// Response templates of the simulator, taken from real recorded bodies (shared fixtures, see
// test/fixtures/llm/SOURCES.md for the full table):
// - chat completion: responses/cometapi-doc-gpt41nano-2026.json (apidoc.cometapi.com/api/text/chat)
// - stream chunks: streams/openai-gpt4o-basic-include-usage.sse (openai/openai-python inline
//   snapshot, commit e43b422412a9e96c9cc5192c61fffbe2d7e04836)
// - errors: errors/openai-401-invalid-api-key.json (chatanywhere/GPT_API_free#62),
//   errors/openai-404-model-not-found-deprecated.json (openllmetry cassette),
//   errors/openai-429-rate-limit-rpm-type-requests.json (feder-cr/invisible_playwright_mcp#249),
//   errors/openai-500-server-error.json (ai-genie/chatgpt-vscode#100),
//   errors/openai-503-model-overloaded.json (ikechan8370/chatgpt-plugin#125),
//   errors/cometapi-error-envelope-invalid_request.json and cometapi-400-model-name-required.json
//   (apidoc.cometapi.com/errors/error-codes-handling).
// Messages naming accounts or request ids are shortened; shapes and codes are kept exactly.

export function completionBody(o: {
  id: string;
  created: number;
  model: string;
  content: string;
}): Record<string, unknown> {
  return {
    id: o.id,
    object: 'chat.completion',
    created: o.created,
    model: o.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: o.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 29,
      completion_tokens: 2,
      total_tokens: 31,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_490a4ad033',
  };
}

export function chunkBody(o: {
  id: string;
  created: number;
  model: string;
  delta: Record<string, unknown>;
  finish: string | null;
}): Record<string, unknown> {
  return {
    id: o.id,
    object: 'chat.completion.chunk',
    created: o.created,
    model: o.model,
    system_fingerprint: 'fp_5050236cbd',
    choices: [{ index: 0, delta: o.delta, logprobs: null, finish_reason: o.finish }],
  };
}

export interface ErrorTemplate {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const err = (message: string, type: string, code: string | null, param: string | null = null) => ({
  error: { message, type, param, code },
});

export const ERROR_TEMPLATES: Record<string, ErrorTemplate> = {
  error_400: {
    status: 400,
    body: err("Invalid value for 'messages': expected an array.", 'invalid_request_error', null, 'messages'),
  },
  error_400_model_required: {
    status: 400,
    body: {
      error: { code: '', message: 'model name is required (request id: ...)', type: 'comet_api_error' },
    },
  },
  error_401: {
    status: 401,
    body: err(
      'Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.',
      'invalid_request_error',
      'invalid_api_key',
    ),
  },
  error_403: {
    status: 403,
    body: err('You are not allowed to access this model.', 'invalid_request_error', 'model_access_denied'),
  },
  error_404_model: {
    status: 404,
    body: err(
      'The model `driftwatch-probe-nonexistent-model` does not exist.',
      'invalid_request_error',
      'model_not_found',
    ),
  },
  error_429: {
    status: 429,
    body: err(
      'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
      'requests',
      'rate_limit_exceeded',
    ),
    headers: {
      'retry-after': '20',
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
    },
  },
  error_500: {
    status: 500,
    body: err(
      'The server had an error processing your request. Sorry about that! You can retry your request.',
      'server_error',
      null,
    ),
  },
  error_500_invalid_request: {
    status: 500,
    body: { error: { message: '...', type: 'comet_api_error', param: '', code: 'invalid_request' } },
  },
  // llama.cpp's server: a request it cannot serve (n > 1, an unsupported param) throws a
  // runtime_error that its handler answers as 500 server_error (format_error_response in
  // tools/server/utils.hpp; oaicompat_chat_params_parse throws the message): a client error
  // behind a 5xx, which the llamacpp contract judges by its message.
  error_500_bad_request: {
    status: 500,
    body: { error: { code: 500, message: 'Only one completion choice is allowed', type: 'server_error' } },
  },
  // a 2xx whose body is an error envelope instead of a completion (gateways that map an
  // upstream overload into the body)
  error_200_envelope: {
    status: 200,
    body: err('The upstream is overloaded, please retry later.', 'server_error', 'overloaded'),
  },
  error_503: {
    status: 503,
    body: err(
      'That model is currently overloaded with other requests. You can retry your request.',
      'server_error',
      null,
    ),
  },
  error_504: {
    status: 504,
    body: err('Gateway timeout.', 'server_error', 'gateway_timeout'),
  },
};

export const HTML_PAGE =
  '<!doctype html><html><head><title>CometAPI</title></head><body><div id="root">Loading…</div></body></html>\n';
