// SPDX-License-Identifier: Apache-2.0
// What the proxy benches' upstream answers (bench/_proxy-upstream.mjs) and what bench/proxy-judge.mjs
// judges: one chat completion, and one stream as its first read plus the rest.
export const JSON_BODY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'pong.' }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
export const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
export const FIRST = chunk({ role: 'assistant', content: '' });
export const REST =
  chunk({ content: 'po' }) +
  chunk({ content: 'ng.' }) +
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })}\n\n` +
  'data: [DONE]\n\n';
// what the load generators ask
export const ASK = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Reply with exactly: pong.' }],
  max_tokens: 16,
});
export const ASK_STREAM = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Reply with exactly: pong.' }],
  stream: true,
  stream_options: { include_usage: true },
});
