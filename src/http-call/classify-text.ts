// SPDX-License-Identifier: Apache-2.0
// The parse state of a buffered chat-completions body and the facts read from it, shared by
// every receiver that records an HTTP call (probe, proxy).
import type { ResponseInfo } from '../model/call-record.js';
import { contentOfBody, finishReasonsOf, modelOf, usageFromBody } from '../sse/chat-extract.js';

/** Longest answer text kept on a record. */
const MAX_TEXT = 2048;

/** Parse state of a buffered body; the parsed JSON and the facts read from it. */
export function classifyText(text: string, response: ResponseInfo): void {
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
