// SPDX-License-Identifier: Apache-2.0
// Rebuilds a chat.completion-like object from stream chunks so the contract's `reads` and the
// usage checks apply to streams too ("the assembled result checked as a whole").
import { lookup, MISSING } from '../../contract/json-path.js';
import type { Segment } from '../../contract/json-path.js';

interface Acc {
  content: string | null;
  refusal: string | null;
  toolCalls: number;
  reasoning: boolean;
  finish: string | null;
}

export interface Assembled {
  body: Record<string, unknown>;
  /** Last non-null usage from the contract's places, and where it was found. */
  usage?: Record<string, unknown>;
  usageOrigin?: string;
  finishReasons: string[];
  /** Chunks that carried an `error` object instead of choices. */
  errorChunks: number;
  hasOutput: boolean;
}

export function assemble(
  chunks: readonly unknown[],
  usageFrom: readonly Segment[][],
  usageNames: readonly string[],
): Assembled {
  const acc = new Map<number, Acc>();
  let id: unknown;
  let model: unknown;
  let usage: Record<string, unknown> | undefined;
  let usageOrigin: string | undefined;
  let errorChunks = 0;
  for (const ch of chunks) {
    if (ch === null || typeof ch !== 'object' || Array.isArray(ch)) continue;
    const o = ch as Record<string, unknown>;
    if ('error' in o && !Array.isArray(o.choices)) {
      errorChunks++;
      continue;
    }
    if (typeof o.id === 'string' && o.id !== '') id = o.id;
    if (typeof o.model === 'string' && o.model !== '') model = o.model;
    for (let i = 0; i < usageFrom.length; i++) {
      const u = lookup(o, usageFrom[i]);
      if (u !== MISSING && u !== null && typeof u === 'object' && !Array.isArray(u)) {
        usage = u as Record<string, unknown>;
        usageOrigin = usageNames[i];
      }
    }
    if (!Array.isArray(o.choices)) continue;
    for (const c of o.choices as unknown[]) {
      if (c === null || typeof c !== 'object') continue;
      const choice = c as Record<string, unknown>;
      const idx = typeof choice.index === 'number' ? choice.index : 0;
      let a = acc.get(idx);
      if (!a)
        acc.set(idx, (a = { content: null, refusal: null, toolCalls: 0, reasoning: false, finish: null }));
      const d = choice.delta as Record<string, unknown> | undefined;
      if (d && typeof d === 'object') {
        if (typeof d.content === 'string') a.content = (a.content ?? '') + d.content;
        if (typeof d.refusal === 'string') a.refusal = (a.refusal ?? '') + d.refusal;
        if (Array.isArray(d.tool_calls)) a.toolCalls += d.tool_calls.length;
        if (typeof d.reasoning_content === 'string' && d.reasoning_content !== '') a.reasoning = true;
      }
      if (typeof choice.finish_reason === 'string') a.finish = choice.finish_reason;
    }
  }
  const indices = [...acc.keys()].sort((x, y) => x - y);
  const finishReasons: string[] = [];
  let hasOutput = false;
  const choices = indices.map((i) => {
    const a = acc.get(i)!;
    if (a.finish !== null) finishReasons.push(a.finish);
    if ((a.content ?? '') !== '' || (a.refusal ?? '') !== '' || a.toolCalls > 0) hasOutput = true;
    const message: Record<string, unknown> = { role: 'assistant', content: a.content, refusal: a.refusal };
    if (a.toolCalls > 0) message.tool_calls = [];
    const out: Record<string, unknown> = { index: i, message };
    if (a.finish !== null) out.finish_reason = a.finish;
    return out;
  });
  const body: Record<string, unknown> = { object: 'chat.completion', choices };
  if (id !== undefined) body.id = id;
  if (model !== undefined) body.model = model;
  if (usage) body.usage = usage;
  return { body, usage, usageOrigin, finishReasons, errorChunks, hasOutput };
}

/** Non-stream output check: content, refusal or tool calls in the first choice. */
export function bodyHasOutput(body: unknown): boolean {
  const msg = lookup(body, ['choices', 0, 'message']);
  if (msg === MISSING || msg === null || typeof msg !== 'object') return false;
  const m = msg as Record<string, unknown>;
  return (
    (typeof m.content === 'string' && m.content !== '') ||
    (typeof m.refusal === 'string' && m.refusal !== '') ||
    (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) ||
    (m.function_call !== undefined && m.function_call !== null)
  );
}
