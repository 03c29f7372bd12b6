// SPDX-License-Identifier: Apache-2.0
// Adding findings with a fixed bound, and deriving the verdict from their levels.
import type { Finding, Findings, Verdict } from '../model/call-record.js';

export const DEFAULT_MAX_FINDINGS = 16;

export function addFinding(f: Findings, item: Finding, max = DEFAULT_MAX_FINDINGS): void {
  for (const i of f.items)
    if (i.path === item.path && i.kind === item.kind) {
      if (rank(item.level) > rank(i.level)) i.level = item.level;
      return;
    }
  if (f.items.length < max) f.items.push(item);
  else if (item.level === 'violation') {
    // keep the worst news: replace the first non-violation when full
    const j = f.items.findIndex((i) => i.level !== 'violation');
    if (j !== -1) f.items[j] = item;
  }
}

function rank(l: Finding['level']): number {
  return l === 'violation' ? 3 : l === 'drift' ? 2 : l === 'warning' ? 1 : 0;
}

export function verdictOf(items: readonly Finding[]): Verdict {
  let v: Verdict = 'ok';
  for (const i of items) {
    if (i.level === 'violation') return 'violation';
    if (i.level === 'drift') v = 'drift';
  }
  return v;
}

/** Notes carry only bounded tokens (a finish_reason, a parse state), never body text. */
export function safeToken(v: unknown): string {
  return typeof v === 'string' && /^[A-Za-z0-9_.-]{1,32}$/.test(v) ? v : 'other';
}
