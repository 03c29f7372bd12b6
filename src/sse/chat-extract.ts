// SPDX-License-Identifier: Apache-2.0
// Reads the facts processors and exporters need out of a chat-completions body or stream chunk:
// usage (wherever the provider put it), finish reasons, response model. Pure functions over
// parsed JSON; unknown shapes yield `undefined`, never a throw.
import type { Usage } from '../model/call-record.js';

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | null | undefined {
  if (v === null) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Maps an OpenAI-style `usage` object; `undefined` when `u` is not an object. */
export function toUsage(u: unknown, origin: string): Usage | undefined {
  if (!isObject(u)) return undefined;
  const out: Usage = { origin };
  const p = num(u.prompt_tokens);
  const c = num(u.completion_tokens);
  const t = num(u.total_tokens);
  if (p !== undefined) out.promptTokens = p;
  if (c !== undefined) out.completionTokens = c;
  if (t !== undefined) out.totalTokens = t;
  const cd = u.completion_tokens_details;
  if (isObject(cd)) {
    const r = num(cd.reasoning_tokens);
    if (r !== undefined) out.reasoningTokens = r;
  }
  const pd = u.prompt_tokens_details;
  if (isObject(pd)) {
    const k = num(pd.cached_tokens);
    if (k !== undefined) out.cachedTokens = k;
  }
  return out;
}

/**
 * Usage of a non-streaming body at the standard place. Other places (Groq's `x_groq.usage`) are
 * a contract setting (`response.usage_from`, `stream.usage_from`), read by the validate processor.
 */
export function usageFromBody(body: unknown): Usage | undefined {
  if (!isObject(body)) return undefined;
  return toUsage(body.usage, 'body');
}

/**
 * Usage carried by one stream chunk, with where it sat: a final `choices: []` chunk, the finish
 * chunk, or another chunk (LiteLLM puts partial usage on every chunk). Vendor places such as
 * Groq's `x_groq.usage` are the contract's `stream.usage_from`, read by the validate processor.
 */
export function usageFromChunk(chunk: unknown): Usage | undefined {
  if (!isObject(chunk)) return undefined;
  const choices = Array.isArray(chunk.choices) ? chunk.choices : undefined;
  const finishing = choices?.some((c) => isObject(c) && c.finish_reason != null) ?? false;
  const place = choices && choices.length === 0 ? 'final_chunk' : finishing ? 'finish_chunk' : 'chunk';
  return toUsage(chunk.usage, place);
}

/** Non-null `finish_reason` of each choice, in index order (a body or a chunk). */
export function finishReasonsOf(v: unknown, into = new Map<number, string>()): Map<number, string> {
  if (!isObject(v) || !Array.isArray(v.choices)) return into;
  v.choices.forEach((c, i) => {
    if (!isObject(c)) return;
    const idx = typeof c.index === 'number' ? c.index : i;
    if (typeof c.finish_reason === 'string') into.set(idx, c.finish_reason);
  });
  return into;
}

export function modelOf(v: unknown): string | undefined {
  return isObject(v) && typeof v.model === 'string' && v.model !== '' ? v.model : undefined;
}

/** Assistant text of choice 0 of a non-streaming body (content, else refusal). */
export function contentOfBody(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.choices)) return undefined;
  const c = body.choices[0];
  if (!isObject(c) || !isObject(c.message)) return undefined;
  const m = c.message;
  if (typeof m.content === 'string') return m.content;
  if (typeof m.refusal === 'string') return m.refusal;
  return undefined;
}

export interface DeltaFacts {
  /** Non-empty content / refusal / tool-call delta in any choice. */
  content: boolean;
  /** Non-empty reasoning delta (`reasoning_content`, `reasoning`, `reasoning_details`). */
  reasoning: boolean;
  /** Text of choice 0's content (or refusal) delta. */
  text?: string;
}

/** What a stream chunk's deltas carry. Role-only and filter chunks carry nothing. */
export function deltaFacts(chunk: unknown): DeltaFacts {
  const out: DeltaFacts = { content: false, reasoning: false };
  if (!isObject(chunk) || !Array.isArray(chunk.choices)) return out;
  for (const c of chunk.choices) {
    if (!isObject(c)) continue;
    const d = c.delta;
    if (!isObject(d)) {
      if (typeof c.text === 'string' && c.text !== '') out.content = true;
      continue;
    }
    const text = typeof d.content === 'string' ? d.content : typeof d.refusal === 'string' ? d.refusal : '';
    if (text !== '') {
      out.content = true;
      if ((c.index ?? 0) === 0) out.text = (out.text ?? '') + text;
    }
    if (Array.isArray(d.tool_calls) && d.tool_calls.length > 0) out.content = true;
    if (isObject(d.function_call)) out.content = true;
    if (
      (typeof d.reasoning_content === 'string' && d.reasoning_content !== '') ||
      (typeof d.reasoning === 'string' && d.reasoning !== '') ||
      (Array.isArray(d.reasoning_details) && d.reasoning_details.length > 0)
    )
      out.reasoning = true;
  }
  return out;
}
