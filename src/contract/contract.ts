// SPDX-License-Identifier: Apache-2.0
// A loaded contract: the file's assumptions, with its JSON Schemas compiled once (ajv 2020).
import type { ValidateFunction } from 'ajv';
import type { ErrorClass } from '../model/call-record.js';
import type { DeclaredNode } from './declared-fields.js';
import type { Segment } from './json-path.js';

export interface SchemaPair {
  strict: ValidateFunction;
  compat: ValidateFunction;
}

export interface ContractRead {
  /** As written in the contract: the bounded finding path. */
  path: string;
  segs: Segment[];
  types?: string[];
  required: boolean;
}

export interface ErrorRuleWhen {
  status?: number[];
  code?: string[];
  type?: string[];
  messageMatches?: RegExp;
}

export interface ErrorRule {
  when: ErrorRuleWhen;
  class: ErrorClass;
  subReason?: string;
  retryable?: boolean;
}

export interface ClassOverride {
  owner?: string;
  first_action?: string;
  runbook?: string;
  retryable?: boolean;
}

export interface Contract {
  id: string;
  provider: string;
  /** Absolute path of the contract file. */
  file: string;
  docsUrl: string;
  /** YYYY-MM-DD of the last review. */
  reviewed: string;
  reviewedMs: number;
  method: string;
  path: string;
  timeoutBudgetMs: number;
  request: {
    requiredHeaders: string[];
    /** `path:type` lines every request body must contain (from `minimum_body`). */
    minimumShape: string[];
  };
  response: SchemaPair & {
    reads: ContractRead[];
    finishReasons: ReadonlySet<string>;
    /** Where a non-streamed body's usage may sit, in order (`usage`, Groq's `x_groq.usage`). */
    usageFrom: Segment[][];
    usageFromNames: string[];
    /** Fields the strict schema names; a body field outside it is drift on the first call. */
    declared?: DeclaredNode;
  };
  stream?: SchemaPair & {
    doneExpected: boolean;
    usageFrom: Segment[][];
    usageFromNames: string[];
    usageExpected: 'always' | 'when_requested' | 'never';
    declared?: DeclaredNode;
  };
  errors: {
    schema?: SchemaPair;
    requestIdInMessage: boolean;
    rules: ErrorRule[];
    classes: Partial<Record<ErrorClass, ClassOverride>>;
  };
  usage: { required: boolean; fields: string[]; maxTokensAllowance: number };
  statuses: { retryable: ReadonlySet<number>; nonRetryable: ReadonlySet<number> };
  shapes: { learn: boolean; baseline: ReadonlySet<string> };
  /** Known deviations this contract accepts (a standing trait of the target), with why and until when. */
  accepted: AcceptedDeviation[];
}

export interface AcceptedDeviation {
  /** Finding path, e.g. `choices[].message.refusal`; a trailing `*` matches a prefix. */
  path: string;
  /** Finding kind (`missing`, `unexpected`, `enum`…); any kind when absent. */
  kind?: string;
  reason: string;
  /** YYYY-MM-DD: after this day the acceptance lapses and the deviation counts again. */
  reviewBy: string;
  reviewByMs: number;
  /** Contract file and line of the entry (what `check` prints). */
  file: string;
  line: number;
}

/** The finding note of an accepted deviation: the contract file and line that accept it. */
export function acceptedNote(a: AcceptedDeviation): string {
  return `accepted:${a.file.split(/[\\/]/).pop()}:${a.line}`;
}

/** Accepted entries of every loaded contract by note, so reports can quote the reason (bounded). */
const byNote = new Map<string, AcceptedDeviation>();
export function rememberAccepted(list: readonly AcceptedDeviation[]): void {
  for (const a of list) if (byNote.size < 4096) byNote.set(acceptedNote(a), a);
}
export function acceptedByNote(note: string | undefined): AcceptedDeviation | undefined {
  return note === undefined ? undefined : byNote.get(note);
}

/** The accepted entry covering a finding, if any and not lapsed. */
export function acceptedFor(
  c: Contract,
  path: string,
  kind: string,
  nowMs = Date.now(),
): AcceptedDeviation | undefined {
  for (const a of c.accepted) {
    if (a.kind !== undefined && a.kind !== kind) continue;
    const hit = a.path.endsWith('*') ? path.startsWith(a.path.slice(0, -1)) : a.path === path;
    if (hit && nowMs < a.reviewByMs + 86_400_000) return a;
  }
  return undefined;
}

/** Whole days since the contract was last reviewed (the contract review age signal). */
export function reviewAgeDays(c: Contract, nowMs = Date.now()): number {
  return Math.max(0, Math.floor((nowMs - c.reviewedMs) / 86_400_000));
}
