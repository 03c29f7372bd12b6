// SPDX-License-Identifier: Apache-2.0
// Builds the request body of each probe kind and its fingerprint (what was asked, never the
// prompt text). Probes are small and deterministic: smallest useful max_tokens, temperature 0.
import type { RequestInfo } from '../../model/call-record.js';
import type { ProbeReceiverConfig, ProbeSpec, PromptSize } from './config.js';

export const CLIENT_VERSION = 'driftwatch/0.1.0 (undici 7)';

const LARGE_FILLER =
  'This paragraph is neutral filler text used by a synthetic API contract probe to measure how ' +
  'latency changes with a larger prompt. It carries no instructions and no user data. ';

export interface BuiltRequest {
  body: Record<string, unknown> | string;
  info: Omit<RequestInfo, 'method' | 'route' | 'synthetic' | 'timeoutBudgetMs' | 'clientVersion'>;
}

/** The default larger prompt: about 1,500 tokens of neutral filler before the question. */
export function largePrompt(cfg: ProbeReceiverConfig, question: string): string {
  return cfg.large_prompt || `${LARGE_FILLER.repeat(40)}\n\n${question}`;
}

export function buildRequest(cfg: ProbeReceiverConfig, p: ProbeSpec, size: PromptSize): BuiltRequest {
  const model =
    p.kind === 'invalid_request' && p.invalid === 'model' ? p.invalid_model : (p.model ?? cfg.model);
  const question = p.prompt ?? (p.kind === 'usage' ? 'Count from 1 to 3, separated by spaces.' : cfg.prompt);
  const userText = size === 'large' ? largePrompt(cfg, question) : question;
  const messages: Array<{ role: string; content: string }> = [];
  if (cfg.system_prompt) messages.push({ role: 'system', content: cfg.system_prompt });
  messages.push({ role: 'user', content: userText });
  const stream = p.kind === 'chat_stream';
  const maxTokens = p.max_tokens ?? cfg.max_tokens;
  const malformed = p.kind === 'invalid_request' && p.invalid === 'payload';
  const body: Record<string, unknown> = {
    model,
    messages: malformed ? userText : messages,
    max_tokens: maxTokens,
    temperature: 0,
    stream,
  };
  if (stream && p.include_usage) body.stream_options = { include_usage: true };
  if (cfg.user) body.user = cfg.user;
  if (Object.keys(cfg.metadata).length > 0) body.metadata = cfg.metadata;
  return {
    body,
    info: {
      model,
      stream,
      includeUsage: stream ? p.include_usage : undefined,
      messageCount: malformed ? undefined : messages.length,
      roles: malformed ? undefined : [...new Set(messages.map((m) => m.role))],
      maxTokens,
      probe: p.name,
      probeKind: p.kind,
      promptSize: size,
    },
  };
}

/** Rough token estimate of the request, for the budget when the response carries no usage. */
export function estimateTokens(body: Record<string, unknown> | string): number {
  const text = typeof body === 'string' ? body : JSON.stringify(body.messages ?? '');
  const maxTokens = typeof body === 'object' && typeof body.max_tokens === 'number' ? body.max_tokens : 0;
  return Math.ceil(text.length / 4) + maxTokens;
}
