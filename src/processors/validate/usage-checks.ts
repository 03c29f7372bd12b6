// SPDX-License-Identifier: Apache-2.0
// Usage checks (reliability guide §5, llm-contract §3.4): present when expected, non-negative
// integers, total >= prompt, completion within max_tokens + allowance; total == prompt +
// completion is only a warning (reasoning tokens make real providers differ).
import type { CallRecord, Findings, FindingLevel, Usage } from '../../model/call-record.js';
import type { Contract } from '../../contract/contract.js';
import { addFinding } from '../../contract/findings.js';

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** CompletionUsage object → the record's Usage. */
export function toUsage(u: Record<string, unknown>, origin: string): Usage {
  const ptd = u.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const ctd = u.completion_tokens_details as Record<string, unknown> | null | undefined;
  return {
    promptTokens: num(u.prompt_tokens) ?? null,
    completionTokens: num(u.completion_tokens) ?? null,
    totalTokens: num(u.total_tokens) ?? null,
    reasoningTokens: num(ctd?.reasoning_tokens) ?? null,
    cachedTokens: num(ptd?.cached_tokens) ?? null,
    origin,
  };
}

export function checkUsage(
  r: CallRecord,
  c: Contract,
  usage: Record<string, unknown> | undefined,
  expected: boolean,
  max: number,
): void {
  const f: Findings = r.findings;
  const missLevel: FindingLevel = c.usage.required ? 'violation' : 'warning';
  if (!usage) {
    if (expected)
      addFinding(f, { path: 'usage', kind: 'missing', level: missLevel, note: 'usage_missing' }, max);
    return;
  }
  const vals: Record<string, number | undefined> = {};
  for (const field of c.usage.fields) {
    const v = usage[field];
    if (v === undefined || v === null) {
      addFinding(f, { path: `usage.${field}`, kind: 'missing', level: missLevel, note: 'usage_field' }, max);
    } else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      addFinding(
        f,
        { path: `usage.${field}`, kind: 'usage', level: 'violation', note: 'not_non_negative_integer' },
        max,
      );
    } else vals[field] = v;
  }
  const p = vals.prompt_tokens ?? num(usage.prompt_tokens);
  const comp = vals.completion_tokens ?? num(usage.completion_tokens);
  const t = vals.total_tokens ?? num(usage.total_tokens);
  if (t !== undefined && p !== undefined && t < p)
    addFinding(
      f,
      { path: 'usage.total_tokens', kind: 'usage', level: 'violation', note: 'total_lt_prompt' },
      max,
    );
  else if (t !== undefined && p !== undefined && comp !== undefined && t !== p + comp)
    addFinding(f, { path: 'usage.total_tokens', kind: 'usage', level: 'warning', note: 'total_ne_sum' }, max);
  const maxTokens = r.request.maxTokens;
  if (maxTokens !== undefined && comp !== undefined && comp > maxTokens + c.usage.maxTokensAllowance)
    addFinding(
      f,
      { path: 'usage.completion_tokens', kind: 'usage', level: 'drift', note: 'completion_gt_max_tokens' },
      max,
    );
}
