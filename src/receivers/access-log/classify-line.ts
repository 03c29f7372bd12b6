// SPDX-License-Identifier: Apache-2.0
// Error class of one access-log call from the fields the gateway wrote, taken together
// (status + upstream attempts + connect time + proxy flags), DESIGN.md §5, with the classify
// processor's rule table (one class table for the processor, access logs and `replay`).
import type { CallRecord, ErrorClass } from '../../model/call-record.js';
import { firstDefaultRule } from '../../contract/error-class/decide.js';
import { CLASS_INFO } from '../../contract/error-class/table.js';

export interface LineClass {
  errorClass?: ErrorClass;
  subReason?: string;
  owner?: string;
  /** More than one upstream attempt within a group (a retry; HAProxy: also a redispatch). */
  retried: boolean;
  /** The gateway switched upstream group (nginx ` : `, i.e. error_page fallback). */
  fallback: boolean;
  /** HAProxy `+N`: the retry went to another server. */
  redispatched: boolean;
  lastAttemptOk?: boolean;
}

/** Owner per class: the classify processor's table, so access logs, `replay` and the processor agree. */
export const OWNERS = Object.fromEntries(
  Object.entries(CLASS_INFO).map(([cls, info]) => [cls, info.owner]),
) as Record<ErrorClass, string>;

export function classifyLine(r: CallRecord): LineClass {
  const up = r.upstream;
  const decided = decide(r);
  return {
    errorClass: decided?.[0],
    subReason: decided?.[1],
    owner: decided ? OWNERS[decided[0]] : undefined,
    retried: (up?.retries ?? 0) > 0,
    fallback: (up?.fallbacks ?? 0) > 0,
    redispatched: up?.redispatched === true,
    lastAttemptOk: up?.lastAttemptOk,
  };
}

function decide(r: CallRecord): [ErrorClass, string] | undefined {
  const status = r.response.status;
  const flags = r.extra?.responseFlags;
  const flagged = (typeof flags === 'string' && flags !== '-') || r.extra?.terminationState !== undefined;
  // (2xx is the common case: return before any rule is tried.)
  if (!flagged && status !== undefined && status > 0 && status < 300) return undefined;
  const rule = firstDefaultRule(r);
  if (rule) return [rule.class, rule.subReason ?? rule.class];
  if (status === undefined) return ['unknown', 'no_status'];
  return undefined;
}
