// SPDX-License-Identifier: Apache-2.0
// Turns a documentation page into the text whose hash says "the docs changed": scripts,
// styles, comments, tags, timestamps and whitespace do not count, so a rebuilt page with a
// new build id, nonce or "last updated" clock does not raise a false alarm.
import { createHash } from 'node:crypto';

const BLOCKS = /<(script|style|noscript|template|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?-->/g;
const TAGS = /<\/?[a-zA-Z!][^>]*>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const ENTITY = /&(#x[0-9a-f]+|#\d+|[a-z]+);/gi;
// Timestamps. A bare date can be content (`api-version=2024-02-01`, a deprecation date), so
// only dates with a time of day, or dates that follow words like "updated" or "©", are dropped.
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?';
const DATE = `(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{2,4}|${MONTH} \\d{1,2},? \\d{4}|\\d{1,2} ${MONTH} \\d{4}|\\d{4})`;
// "Last updated: Nov 26, 2026", "Published 2026-11-26", "© 2026": the word stays, the date goes.
const DATED = new RegExp(
  `(\\b(?:updated|modified|edited|published|generated|built|rendered|as of|copyright)\\b|©)([^.\\n]{0,24}?)${DATE}\\b`,
  'gi',
);
const TIMESTAMPS = [
  // ISO 8601 date-times: 2026-11-26T16:00:00Z, 2026-11-26 16:00
  /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g,
  // RFC 1123: Thu, 26 Nov 2026 16:00:00 GMT
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4} \d{2}:\d{2}(?::\d{2})?(?: GMT| UTC| [+-]\d{4})?/g,
  // Clock times: 16:00, 4:00 PM, 16:00:00 UTC
  /\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?(?:\s?(?:UTC|GMT))?\b/gi,
];

function decodeEntity(_m: string, body: string): string {
  if (body[0] === '#') {
    const code =
      body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
  }
  return ENTITIES[body.toLowerCase()] ?? ' ';
}

/** The visible text of a page without volatile parts. `html` decides whether markup is stripped. */
export function normalizePage(text: string, html: boolean): string {
  let t = text;
  if (html) {
    t = t.replace(BLOCKS, ' ').replace(COMMENTS, ' ').replace(TAGS, ' ').replace(ENTITY, decodeEntity);
  }
  for (const re of TIMESTAMPS) t = t.replace(re, ' ');
  t = t.replace(DATED, (_m, word: string, gap: string) => `${word}${gap} `);
  return t.replace(/\s+/g, ' ').trim();
}

export function looksLikeHtml(contentType: string | undefined, text: string): boolean {
  if (contentType && /html|xml/i.test(contentType)) return true;
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(text.slice(0, 512));
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
