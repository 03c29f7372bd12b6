// SPDX-License-Identifier: Apache-2.0
// Bounded work per body: before a body (or a stream event) is parsed and judged, one linear scan
// with no allocation measures its nesting depth and how many values it holds. `JSON.parse` of a
// 400,000-deep array blocks the event loop for half a second and every recursive walk after it
// (structured clone, schema checks) overflows the stack; a 60,000-key object costs over 100 ms
// in each judging step. Bodies over the limits are not parsed: the record says why
// (`response.parse` = `too_deep` / `too_many_values`), which is a clear finding, never a stall.

export interface JsonLimits {
  /** Deepest nesting of arrays and objects judged (a chat completion is about 6 deep). */
  maxDepth: number;
  /** Most values (array items, object members, scalars) judged in one body or event. */
  maxValues: number;
}

export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 64, maxValues: 10_000 };

/** Why a text was not parsed; `undefined` when it is within the limits (or is not JSON at all). */
export type JsonOverLimit = 'too_deep' | 'too_many_values';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/**
 * True when `text` cannot pass `limits`, whatever its structure: shorter than `maxValues` (the
 * scan counts at most one value per character, plus one), and with no more than `maxDepth`
 * brackets in all, strings included. Counting two characters with indexOf costs a fifth of the
 * scan for a chat completion or a stream event, which is nearly every text judged.
 */
function surelyWithin(text: string, limits: JsonLimits): boolean {
  if (text.length >= limits.maxValues) return false;
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1))
    if (++n > limits.maxDepth) return false;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1))
    if (++n > limits.maxDepth) return false;
  return true;
}

/** `surelyWithin` for raw UTF-8 bytes. */
function surelyWithinBytes(bytes: Uint8Array, limits: JsonLimits): boolean {
  if (bytes.length >= limits.maxValues) return false;
  let n = 0;
  for (let i = bytes.indexOf(OPEN_OBJECT); i !== -1; i = bytes.indexOf(OPEN_OBJECT, i + 1))
    if (++n > limits.maxDepth) return false;
  for (let i = bytes.indexOf(OPEN_ARRAY); i !== -1; i = bytes.indexOf(OPEN_ARRAY, i + 1))
    if (++n > limits.maxDepth) return false;
  return true;
}

/**
 * Scans `text` as JSON tokens: depth counts open brackets, values count commas and opening
 * brackets (each separates or starts a value), string contents are skipped. Malformed text is
 * not diagnosed here: JSON.parse does that, within the limits. Stops at the first limit passed,
 * so the scan of a hostile body costs at most one pass over it.
 */
export function overJsonLimits(
  text: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): JsonOverLimit | undefined {
  if (surelyWithin(text, limits)) return undefined;
  let depth = 0;
  let values = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // jump to the closing quote: indexOf is much faster than a char loop over long strings
      for (;;) {
        const j = text.indexOf('"', i + 1);
        if (j === -1) return undefined; // unterminated string: JSON.parse reports it
        let k = j - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        i = j;
        if ((j - 1 - k) % 2 === 0) break; // an even run of backslashes: the quote is real
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) return 'too_deep';
      if (++values > limits.maxValues) return 'too_many_values';
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    } else if (c === COMMA) {
      if (++values > limits.maxValues) return 'too_many_values';
    }
  }
  return undefined;
}

/**
 * `overJsonLimits` over raw UTF-8 bytes, before they are decoded: a rejected body then costs no
 * string at all (decoding an 800 KiB body was the biggest single cost of the hostile mix).
 * Multi-byte UTF-8 sequences never contain ASCII bytes, so the structural bytes are the same.
 */
export function overJsonLimitsInBytes(
  bytes: Uint8Array,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): JsonOverLimit | undefined {
  if (surelyWithinBytes(bytes, limits)) return undefined;
  let depth = 0;
  let values = 1;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      for (;;) {
        const j = bytes.indexOf(QUOTE, i + 1);
        if (j === -1) return undefined;
        let k = j - 1;
        while (bytes[k] === BACKSLASH) k--;
        i = j;
        if ((j - 1 - k) % 2 === 0) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) return 'too_deep';
      if (++values > limits.maxValues) return 'too_many_values';
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    } else if (c === COMMA) {
      if (++values > limits.maxValues) return 'too_many_values';
    }
  }
  return undefined;
}

/** True when the first non-blank character opens an array or object (worth scanning). */
export function startsJsonContainer(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === OPEN_OBJECT || c === OPEN_ARRAY;
  }
  return false;
}

/** Limits from a receiver's options, with the defaults for what is not set. */
export function jsonLimitsOf(cfg: { max_json_depth?: number; max_json_values?: number }): JsonLimits {
  return {
    maxDepth: cfg.max_json_depth ?? DEFAULT_JSON_LIMITS.maxDepth,
    maxValues: cfg.max_json_values ?? DEFAULT_JSON_LIMITS.maxValues,
  };
}
