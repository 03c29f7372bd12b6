// SPDX-License-Identifier: Apache-2.0
// The engine behind the nginx and Envoy text parsers: a format is a list of literals and
// variables; parsing walks the line once, finding each variable's end by the literal that
// follows it (indexOf), with no regex and no per-line allocation beyond the values kept.
import type { LineFields, LineParser } from '../fields.js';
import { emptyFields } from '../fields.js';
import { decodeJsonEscapes, decodeNginxEscapes, latin1ToUtf8, numAt } from '../values.js';
import type { TimeParser } from '../values.js';

/** How a variable's value is stored into the fields; `undefined` = skipped without copying. */
export type FieldSetter = (f: LineFields, value: string) => void;

/**
 * Plain numeric fields, stored by the parser itself: read in place from the line (no substring,
 * no setter call), the commonest kind of variable in gateway formats.
 */
export type NumericField =
  'status' | 'bytesSent' | 'bytesReceived' | 'totalMs' | 'upstreamMs' | 'ttfbMs' | 'timeMs';

export interface NumericTarget {
  field: NumericField;
  /** Multiplier to canonical units (1000 for seconds → ms). */
  scale: number;
}

export interface TimeTarget {
  parser: TimeParser;
  kind: 'local' | 'iso';
}

export interface FormatVariable {
  setter?: FieldSetter;
  /** Set instead of `setter` for plain numbers. */
  numeric?: NumericTarget;
  /** Set instead of `setter` for timestamps: consecutive lines share one, compared in place. */
  time?: TimeTarget;
  /** Values may be upstream lists with spaces (`a, b : c`), e.g. unquoted in ingress-nginx. */
  list: boolean;
}

export type Escape = 'default' | 'json' | 'none';

export interface CompiledFormat {
  /** literals[0] before variables[0], literals[i+1] after variables[i]. */
  literals: string[];
  variables: FormatVariable[];
  escape: Escape;
  /** Skip anything before the first literal (`ACCESS ` prefixes, docker/compose prefixes). */
  lenientPrefix: boolean;
}

const NEEDS_DECODE = /[\\\x80-\xff]/;

/** Decodes a kept string value according to the format's escaping, then as UTF-8. */
export function decodeValue(v: string, escape: Escape): string {
  // Most values hold neither escapes nor high bytes: one regex test, returned as they are.
  if (!NEEDS_DECODE.test(v)) return v;
  if (escape === 'default') return latin1ToUtf8(decodeNginxEscapes(v));
  if (escape === 'json') return latin1ToUtf8(decodeJsonEscapes(v));
  return latin1ToUtf8(v);
}

export class TextFormatParser implements LineParser {
  private readonly n: number;
  private readonly json: boolean;

  constructor(private readonly fmt: CompiledFormat) {
    this.n = fmt.variables.length;
    this.json = fmt.escape === 'json';
  }

  parse(line: string): LineFields | undefined {
    const { literals, variables } = this.fmt;
    let p: number;
    const first = literals[0];
    if (first.length === 0) p = 0;
    else if (line.startsWith(first)) p = first.length;
    else if (this.fmt.lenientPrefix) {
      const i = line.indexOf(first);
      if (i < 0) return undefined;
      p = i + first.length;
    } else return undefined;
    const f: LineFields = emptyFields();
    const len = line.length;
    for (let i = 0; i < this.n; i++) {
      const lit = literals[i + 1];
      const v = variables[i];
      let end: number;
      if (lit.length === 0) {
        // Last variable: runs to the end of the line (trailing spaces trimmed).
        end = len;
        while (end > p && line.charCodeAt(end - 1) === 32) end--;
      } else {
        end = line.indexOf(lit, p);
        // Only list values and JSON-escaped quotes need a second look at the match.
        if (end >= 0 && (v.list || this.json)) end = this.findEnd(line, end, lit, v.list);
        if (end < 0) return undefined;
      }
      if (v.numeric !== undefined) {
        if (end > p) storeNumber(f, v.numeric, line, p, end);
      } else if (v.time !== undefined) {
        if (end > p)
          f.timeMs =
            v.time.kind === 'local' ? v.time.parser.localAt(line, p, end) : v.time.parser.isoAt(line, p, end);
      } else if (v.setter !== undefined && end > p) v.setter(f, line.substring(p, end));
      p = end + lit.length;
      if (p > len) return undefined;
    }
    return f;
  }

  /** From the first match `q` of `lit`, skips matches that are inside the value. */
  private findEnd(line: string, q: number, lit: string, list: boolean): number {
    const json = this.json;
    while (q >= 0) {
      if (json && lit.charCodeAt(0) === 34 /* " */ && escapedQuote(line, q)) {
        q = line.indexOf(lit, q + 1);
        continue;
      }
      if (list && lit.charCodeAt(0) === 32 /* space */) {
        if (line.charCodeAt(q - 1) === 44 /* , */) {
          q = line.indexOf(lit, q + 1);
          continue;
        }
        if (line.startsWith(' : ', q)) {
          q = line.indexOf(lit, q + 3);
          continue;
        }
      }
      return q;
    }
    return -1;
  }
}

function storeNumber(f: LineFields, t: NumericTarget, line: string, start: number, end: number): void {
  const n = numAt(line, start, end);
  if (n === undefined) return;
  const v = t.scale === 1 ? n : n * t.scale;
  switch (t.field) {
    case 'status':
      f.status = v;
      break;
    case 'bytesSent':
      f.bytesSent = v;
      break;
    case 'bytesReceived':
      f.bytesReceived = v;
      break;
    case 'totalMs':
      f.totalMs = v;
      break;
    case 'upstreamMs':
      f.upstreamMs = v;
      break;
    case 'ttfbMs':
      f.ttfbMs = v;
      break;
    case 'timeMs':
      f.timeMs = v;
      break;
  }
}

/** A quote preceded by an odd number of backslashes is part of the value. */
function escapedQuote(line: string, q: number): boolean {
  let b = 0;
  for (let i = q - 1; i >= 0 && line.charCodeAt(i) === 92; i--) b++;
  return (b & 1) === 1;
}
