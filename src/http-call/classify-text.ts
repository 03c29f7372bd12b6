// SPDX-License-Identifier: Apache-2.0
// The parse state of a buffered chat-completions body and the facts read from it, shared by
// every receiver that records an HTTP call (probe, proxy). A body deeper or larger than the
// receiver's JSON limits is not parsed (`too_deep` / `too_many_values`): judging it would block
// the event loop, and the verdict says so instead.
import type { ResponseInfo } from '../model/call-record.js';
import { contentOfBody, finishReasonsOf, modelOf, usageFromBody } from '../sse/chat-extract.js';
import {
  DEFAULT_JSON_LIMITS,
  overJsonLimits,
  overJsonLimitsInBytes,
  startsJsonContainer,
} from '../util/json-limits.js';
import type { JsonLimits } from '../util/json-limits.js';

/** Longest answer text kept on a record. */
const MAX_TEXT = 2048;

/**
 * `classifyText` of raw bytes: a JSON body over the limits is turned down before it is decoded
 * into a string (an HTML page is still recognised as HTML, whatever brackets its scripts hold).
 */
export function classifyBody(
  raw: Buffer,
  response: ResponseInfo,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): void {
  const html = (response.contentType ?? '').includes('html');
  if (!html && startsJsonContainer(raw)) {
    const over = overJsonLimitsInBytes(raw, limits);
    if (over) {
      response.parse = over;
      return;
    }
    return classifyText(raw.toString('utf8'), response, null);
  }
  classifyText(raw.toString('utf8'), response, limits);
}

/** Parse state of a buffered body; the parsed JSON and the facts read from it. */
export function classifyText(
  text: string,
  response: ResponseInfo,
  /** `null`: already checked by the caller. */
  limits: JsonLimits | null = DEFAULT_JSON_LIMITS,
): void {
  const trimmed = text.trim();
  const ct = response.contentType ?? '';
  if (trimmed.length === 0) {
    response.parse = 'empty';
    return;
  }
  if (ct.includes('html') || /^<(!doctype|html|head|body|\?xml)/i.test(trimmed)) {
    response.parse = 'html';
    return;
  }
  const over = limits && overJsonLimits(trimmed, limits);
  if (over) {
    response.parse = over;
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    response.parse = 'invalid_json';
    return;
  }
  response.parse = 'json';
  response.body = body;
  const usage = usageFromBody(body);
  if (usage) response.usage = usage;
  response.finishReasons = [...finishReasonsOf(body).entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const model = modelOf(body);
  if (model) response.model = model;
  const answer = contentOfBody(body);
  if (answer !== undefined) response.contentText = answer.slice(0, MAX_TEXT);
}
