// SPDX-License-Identifier: Apache-2.0
// Reads what operators capture with `curl -i` / `curl -i -N`: one or more header blocks (interim
// 1xx, a proxy's `200 Connection established`, redirects followed with -L), then the body of the
// last one. Only the allow-listed headers are kept, so cookies or auth challenges never surface.
import { allowListHeaders } from '../http-call/response-headers.js';

export interface HttpTranscript {
  status: number;
  /** Allow-listed, lower-case. */
  headers: Record<string, string>;
  body: string;
  /** Header blocks skipped before the final answer (1xx, CONNECT, followed redirects). */
  skipped: number[];
}

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?: [^\r\n]*)?\r?\n/;
const MAX_BLOCKS = 16;

/** True when the text starts like an HTTP response transcript (status line first). */
export function looksLikeTranscript(text: string): boolean {
  return STATUS_LINE.test(text);
}

/** Parses a transcript; undefined when the text does not start with a status line or is cut short. */
export function parseTranscript(text: string): HttpTranscript | undefined {
  let rest = text;
  const skipped: number[] = [];
  for (let i = 0; i < MAX_BLOCKS; i++) {
    const m = STATUS_LINE.exec(rest);
    if (!m) return undefined;
    const status = Number(m[1]);
    const afterLine = rest.slice(m[0].length);
    // the header block ends at the first empty line (CRLF or bare LF, as saved by editors)
    const end = /\r?\n\r?\n|^\r?\n/.exec(afterLine);
    const headerText = end ? afterLine.slice(0, end.index) : afterLine;
    const body = end ? afterLine.slice(end.index + end[0].length) : '';
    if (STATUS_LINE.test(body)) {
      skipped.push(status); // an earlier answer: the final one follows
      rest = body;
      continue;
    }
    const raw: Record<string, string> = {};
    for (const line of headerText.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const k = line.slice(0, colon).trim().toLowerCase();
      const v = line.slice(colon + 1).trim();
      raw[k] = raw[k] === undefined ? v : `${raw[k]}, ${v}`;
    }
    return { status, headers: allowListHeaders(raw), body, skipped };
  }
  return undefined;
}
