// SPDX-License-Identifier: Apache-2.0
// Makes a record safe to export: drops prompt/completion text unless opted in, keeps only
// allow-listed headers, masks secrets by value pattern everywhere, replaces tenant / user ids
// with a keyed HMAC (never a bare hash), and records what it did as counts.
import { hmacId } from '../../util/hmac-id.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Scrubber } from '../../util/scrubber.js';

export interface RedactPlan {
  keepContent: boolean;
  headerExact: ReadonlySet<string>;
  headerPrefixes: readonly string[];
  hmacKey?: string;
  hmacFields: ReadonlyArray<readonly string[]>;
  scrubber: Scrubber;
}

function bump(c: Record<string, number>, k: string, n = 1): void {
  c[k] = (c[k] ?? 0) + n;
}

export { hmacId };

/**
 * Scrubs every string under `v` in place. Numbers, booleans and absent values are passed by
 * without a call, and a property is written only when its value changed: an access-log record
 * has a dozen strings and nothing to mask, so the walk allocates nothing (no key arrays).
 */
function scrubDeep(v: unknown, s: Scrubber, counts: Record<string, number>, depth = 0): unknown {
  if (typeof v === 'string') return s.scrub(v, counts);
  if (v === null || typeof v !== 'object' || depth > 12) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'string' && (x === null || typeof x !== 'object')) continue;
      const y = scrubDeep(x, s, counts, depth + 1);
      if (y !== x) v[i] = y;
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (typeof x !== 'string' && (x === null || typeof x !== 'object')) continue;
    if (!Object.hasOwn(o, k)) continue; // own properties only, as Object.keys gave
    const y = scrubDeep(x, s, counts, depth + 1);
    if (y !== x) o[k] = y;
  }
  return v;
}

// findings are built by our processors from bounded vocabularies; timings/upstream/retry hold numbers
const NO_STRINGS = new Set(['findings', 'event', 'timings', 'upstream', 'retry', 'startTimeMs']);

function allowedHeader(plan: RedactPlan, lk: string): boolean {
  if (plan.headerExact.has(lk)) return true;
  for (const p of plan.headerPrefixes) if (lk.startsWith(p)) return true;
  return false;
}

/** Keeps allow-listed headers, lower-cased; the same object when nothing changes (the usual case). */
function keptHeaders(
  headers: Record<string, string>,
  plan: RedactPlan,
  counts: Record<string, number>,
): Record<string, string> {
  let clean = true;
  for (const k in headers) {
    if (!Object.hasOwn(headers, k)) continue;
    const lk = k.toLowerCase();
    if (lk !== k || !allowedHeader(plan, lk)) {
      clean = false;
      break;
    }
  }
  if (clean) return headers;
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const lk = k.toLowerCase();
    if (allowedHeader(plan, lk)) kept[lk] = v;
    else bump(counts, 'header');
  }
  return kept;
}

function hasAny(o: Record<string, number>): boolean {
  for (const _k in o) return true;
  return false;
}

/**
 * The counts of the record being redacted. Most records count nothing, so one object serves
 * them all and a fresh one is made only after a record counted something (redaction is
 * synchronous: one record at a time).
 */
let scratch: Record<string, number> = {};

export function redactRecord(r: CallRecord, plan: RedactPlan): void {
  // left over only if a previous call threw half-way: never carried into this record
  if (hasAny(scratch)) scratch = {};
  const counts = scratch;
  const res = r.response;
  const req = r.request;
  if (!plan.keepContent) {
    if (res && res.body !== undefined) {
      res.body = undefined;
      bump(counts, 'body');
    }
    if (res?.contentText !== undefined) {
      res.contentText = undefined;
      bump(counts, 'content_text');
    }
    if (res?.stream?.chunks !== undefined) {
      bump(counts, 'stream_chunks', res.stream.chunks.length);
      res.stream.chunks = undefined;
    }
    if (res?.stream?.errorEvent !== undefined) {
      res.stream.errorEvent = undefined;
      bump(counts, 'stream_error_event');
    }
    if (req && req.requestBody !== undefined) {
      req.requestBody = undefined;
      bump(counts, 'request_body');
    }
  }
  if (res?.headers) res.headers = keptHeaders(res.headers, plan, counts);
  for (const path of plan.hmacFields)
    hashField(r as unknown as Record<string, unknown>, path, plan.hmacKey, counts);
  // everything else: value patterns on every string that is left
  const o = r as unknown as Record<string, unknown>;
  for (const k in o) {
    if (NO_STRINGS.has(k) || !Object.hasOwn(o, k)) continue;
    const x = o[k];
    const y = scrubDeep(x, plan.scrubber, counts);
    if (y !== x) o[k] = y;
  }
  if (r.findings?.items)
    for (const i of r.findings.items) if (i.note) i.note = plan.scrubber.scrub(i.note, counts);
  if (!hasAny(counts)) return;
  scratch = {};
  if (r.findings) {
    const prev = r.findings.redactions ?? {};
    for (const [k, n] of Object.entries(counts)) prev[k] = (prev[k] ?? 0) + n;
    r.findings.redactions = prev;
  }
}

function hashField(
  root: Record<string, unknown>,
  path: readonly string[],
  key: string | undefined,
  counts: Record<string, number>,
): void {
  let cur: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string, unknown>)[path[i]];
  }
  if (cur === null || typeof cur !== 'object') return;
  const obj = cur as Record<string, unknown>;
  const last = path[path.length - 1];
  const v = obj[last];
  if (v === undefined || v === null || v === '') return;
  if (typeof v === 'string' && v.startsWith('h:')) return; // already hashed by the receiver
  if (!key) {
    // no key: a bare hash would be reversible by dictionary, so the id is dropped instead
    delete obj[last];
    bump(counts, 'id_dropped_no_key');
    return;
  }
  obj[last] = hmacId(key, String(v));
  bump(counts, 'id_hmac');
}
