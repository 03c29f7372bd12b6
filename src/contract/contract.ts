// SPDX-License-Identifier: Apache-2.0
// A loaded contract: the file's assumptions, with its JSON Schemas compiled once (ajv 2020).
import type { ValidateFunction } from 'ajv';
import type { ErrorClass } from '../model/call-record.js';
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
  };
  stream?: SchemaPair & {
    doneExpected: boolean;
    usageFrom: Segment[][];
    usageFromNames: string[];
    usageExpected: 'always' | 'when_requested' | 'never';
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
}

/** Whole days since the contract was last reviewed (the contract review age signal). */
export function reviewAgeDays(c: Contract, nowMs = Date.now()): number {
  return Math.max(0, Math.floor((nowMs - c.reviewedMs) / 86_400_000));
}
