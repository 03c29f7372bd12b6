// SPDX-License-Identifier: Apache-2.0
// Classifies one record from its evidence with the rule table (contract rules first).
import type { CallRecord, ErrorClass } from '../../model/call-record.js';
import type { Contract } from '../contract.js';
import { carriesErrorEnvelope } from '../error-envelope.js';
import { addFinding } from '../findings.js';
import type { Envelope } from './envelope.js';
import { readEnvelope, sanitizedShape } from './envelope.js';
import { retryAfterFromHeaders, retryAfterFromMessage } from './retry-after.js';
import { CLASS_INFO, DEFAULT_RULES } from './table.js';
import type { Rule, RuleWhen } from './table.js';

function transportMatches(code: string, list: readonly string[]): boolean {
  for (const p of list) {
    if (p === '*') return true;
    if (p.endsWith('*') ? code.startsWith(p.slice(0, -1)) : code === p) return true;
    if (p.includes('*') && !p.endsWith('*')) {
      const [a, b] = p.split('*');
      if (code.startsWith(a) && code.endsWith(b)) return true;
    }
  }
  return false;
}

/**
 * The default table's retry advice for a call that got no answer, by its transport code alone
 * (the proxy receiver says it to clients in its own 502 / 504, as `x-should-retry`).
 */
export function transportRetryable(code: string): boolean {
  for (const rule of DEFAULT_RULES) {
    const w = rule.when;
    if (w.transport && Object.keys(w).length === 1 && transportMatches(code, w.transport))
      return rule.retryable ?? CLASS_INFO[rule.class].retryable;
  }
  return CLASS_INFO.network.retryable;
}

/**
 * The status rules see: the HTTP status, except that a 2xx carrying an error envelope with a
 * numeric HTTP-like code (OpenRouter, LiteLLM, Azure put the status there) is judged by that code.
 */
function effectiveStatus(r: CallRecord, env: Envelope): number | undefined {
  const s = r.response.status;
  if (s !== undefined && s >= 200 && s < 300 && env.known && env.status !== undefined) return env.status;
  return s;
}

function matches(w: RuleWhen, r: CallRecord, env: Envelope): boolean {
  const status = effectiveStatus(r, env);
  if (w.envelope !== undefined && env.known !== w.envelope) return false;
  const tcode = r.transportError?.code;
  if (w.transport) {
    if (tcode === undefined || !transportMatches(tcode, w.transport)) return false;
  } else if (tcode !== undefined && status === undefined) return false;
  if (w.status && (status === undefined || !w.status.includes(status))) return false;
  if (w.statusRange && (status === undefined || status < w.statusRange[0] || status > w.statusRange[1]))
    return false;
  if (w.code && (env.code === undefined || !w.code.includes(env.code))) return false;
  if (w.type && (env.type === undefined || !w.type.includes(env.type))) return false;
  if (w.messageMatches && (env.message === undefined || !w.messageMatches.test(env.message))) return false;
  if (w.parse && (r.response.parse === undefined || !w.parse.includes(r.response.parse))) return false;
  if (w.anomaly && !anyOf(r.response.stream?.anomalies, w.anomaly)) return false;
  if (w.verdict && r.findings.verdict !== w.verdict) return false;
  if (w.upstreamNoConnect !== undefined) {
    // Only the gateway's own word counts (nginx writes `-` as connect time): a log format without
    // the connect time says nothing about connecting.
    const noConnect = r.extra?.upstreamConnectFailed === true;
    if (noConnect !== w.upstreamNoConnect) return false;
  }
  if (w.responseFlags) {
    const flags = r.extra?.responseFlags;
    if (typeof flags !== 'string' || !flags.split(',').some((x) => w.responseFlags!.includes(x)))
      return false;
  }
  if (w.terminationState) {
    const ts = r.extra?.terminationState;
    if (typeof ts !== 'string' || !w.terminationState.some((p) => ts.startsWith(p))) return false;
  }
  return true;
}

/** True when one of `have` is in `wanted` (no array or closure made for the question). */
function anyOf(have: readonly string[] | undefined, wanted: readonly string[]): boolean {
  if (have === undefined) return false;
  for (let i = 0; i < have.length; i++) if (wanted.includes(have[i])) return true;
  return false;
}

/** The envelope of a record that carries none: read-only, shared. */
const NO_ENVELOPE: Envelope = Object.freeze({ known: false });

/** The first rule whose conditions the record meets (a loop: no closure per record). */
function firstMatch(rules: readonly Rule[], r: CallRecord, env: Envelope): Rule | undefined {
  for (let i = 0; i < rules.length; i++) if (matches(rules[i].when, r, env)) return rules[i];
  return undefined;
}

/** First default rule matching a record that has no response body (access-log lines). */
export function firstDefaultRule(r: CallRecord): Rule | undefined {
  return firstMatch(DEFAULT_RULES, r, NO_ENVELOPE);
}

export interface DecideOptions {
  keepRequestId: boolean;
  nowMs: number;
}

/** The answer of every call without an unknown envelope: one object, not one per record. */
const KNOWN_ENVELOPE: { readonly unknownEnvelope: boolean } = Object.freeze({ unknownEnvelope: false });

/** Returns false when nothing was known about the record (the `unknown` class). */
export function classify(
  r: CallRecord,
  contract: Contract | undefined,
  opts: DecideOptions,
): { readonly unknownEnvelope: boolean } {
  const f = r.findings;
  const res = r.response;
  const status = res.status;
  const isErrorBody =
    status !== undefined && res.body !== undefined && (status >= 400 || carriesErrorEnvelope(res.body));
  // fast path for the common healthy call (access logs at volume): no rule can match it
  if (
    status !== undefined &&
    status >= 200 &&
    status < 300 &&
    r.transportError === undefined &&
    f.verdict !== 'violation' &&
    (res.parse === undefined || res.parse === 'json' || res.parse === 'sse' || res.parse === 'not_read') &&
    (res.stream === undefined || (res.stream.anomalies ?? []).length === 0) &&
    (r.extra?.responseFlags === undefined || r.extra.responseFlags === '-') &&
    r.extra?.terminationState === undefined &&
    !carriesErrorEnvelope(res.body)
  ) {
    if (r.upstream?.retried)
      addFinding(f, { path: 'upstream.attempts', kind: 'value', level: 'info', note: 'retry_or_fallback' });
    return KNOWN_ENVELOPE;
  }
  const env: Envelope = isErrorBody ? readEnvelope(res.body) : (readStreamError(r) ?? NO_ENVELOPE);
  const contractRules: readonly Rule[] = contract?.errors.rules ?? [];
  let rule = firstMatch(contractRules, r, env);
  const fromContract = rule !== undefined;
  rule ??= firstMatch(DEFAULT_RULES, r, env);
  if (r.upstream?.retried)
    addFinding(f, { path: 'upstream.attempts', kind: 'value', level: 'info', note: 'retry_or_fallback' });
  if (!rule) {
    if (status !== undefined && status >= 200 && status < 300) return KNOWN_ENVELOPE; // a healthy call
    setClass(r, 'unknown', 'no_evidence', undefined, contract, opts);
    return KNOWN_ENVELOPE;
  }
  // a rule that matched on the envelope is specific evidence: the status lists do not overrule it
  const byEnvelope =
    rule.when.code !== undefined || rule.when.type !== undefined || rule.when.envelope === true;
  setClass(r, rule.class, rule.subReason, rule.retryable, contract, opts, fromContract || byEnvelope);
  if (isErrorBody) f.errorShape = sanitizedShape(res.body);
  if (f.retryable && f.retryAfterMs === undefined) f.retryAfterMs = retryAfterFromMessage(env.message);
  if (!opts.keepRequestId) res.requestId = undefined;
  return { unknownEnvelope: isErrorBody && !env.known };
}

/** The stream's error event, whole (`{"error":{…}}`) or already unwrapped (`{message,type,code}`). */
function readStreamError(r: CallRecord): Envelope | undefined {
  const e = r.response.stream?.errorEvent;
  if (e === undefined) return undefined;
  if (e !== null && typeof e === 'object' && !Array.isArray(e) && 'error' in e) return readEnvelope(e);
  return readEnvelope({ error: e });
}

function setClass(
  r: CallRecord,
  cls: ErrorClass,
  subReason: string | undefined,
  ruleRetryable: boolean | undefined,
  contract: Contract | undefined,
  opts: DecideOptions,
  fromContractRule = false,
): void {
  const f = r.findings;
  const info = { ...CLASS_INFO[cls] };
  const o = contract?.errors.classes[cls];
  if (o) {
    if (o.owner !== undefined) info.owner = o.owner;
    if (o.first_action !== undefined) info.firstAction = o.first_action;
    if (o.runbook !== undefined) info.runbook = o.runbook;
    if (o.retryable !== undefined) info.retryable = o.retryable;
  }
  const status = r.response.status;
  // A contract rule is specific evidence: its class decides. Otherwise the contract's status
  // lists refine the class default (e.g. 409 retryable for OpenAI).
  let retryable = ruleRetryable;
  if (retryable === undefined && !fromContractRule && status !== undefined && contract) {
    if (contract.statuses.nonRetryable.has(status)) retryable = false;
    else if (contract.statuses.retryable.has(status)) retryable = true;
  }
  f.errorClass = cls;
  f.subReason = subReason;
  f.owner = info.owner;
  f.firstAction = info.firstAction;
  f.runbook = info.runbook;
  f.retryable = retryable ?? info.retryable;
  const ra = retryAfterFromHeaders(r.response.headers, opts.nowMs);
  if (ra !== undefined) f.retryAfterMs = ra;
}
