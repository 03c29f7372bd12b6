// SPDX-License-Identifier: Apache-2.0
// The engine behind the nginx and Envoy text parsers: a format is a list of literals and
// variables; parsing walks the line once, finding each variable's end by the literal that
// follows it (indexOf), with no regex and no per-line allocation beyond the values kept.
import { ConfigError } from '../../../component/errors.js';
import type { CoveredField, LineFields, LineParser, RejectReason } from '../fields.js';
import { emptyFields } from '../fields.js';
import {
  decodeApacheEscapes,
  decodeHaproxyEscapes,
  decodeJsonEscapes,
  decodeNginxEscapes,
  latin1ToUtf8,
  numAt,
} from '../values.js';
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
  /**
   * A `{…}` block that may be missing altogether (HAProxy captured headers: without `capture`
   * lines the field and the space before the next one are not written).
   */
  optionalBlock?: boolean;
  /** The canonical field this variable fills, for the "empty on most lines" check. */
  covers?: CoveredField;
  /**
   * A value that never holds a space (ids, numbers, addresses): as the last field of a line,
   * a space in it means more content followed (two lines glued).
   */
  token?: boolean;
}

/** `default` = nginx `\xHH`; `apache` = `\"`, `\\`, `\xhh`; `haproxy` = `#XX`. */
export type Escape = 'default' | 'json' | 'none' | 'apache' | 'haproxy';

export interface CompiledFormat {
  /** literals[0] before variables[0], literals[i+1] after variables[i]. */
  literals: string[];
  variables: FormatVariable[];
  escape: Escape;
  /** Skip anything before the first literal (`ACCESS ` prefixes, docker/compose prefixes). */
  lenientPrefix: boolean;
  /** Strips a known line prefix (syslog) before matching; returns the offset to start at. */
  prefix?: (line: string) => number;
  /**
   * The last variable may run on to the end of the line (formats that append fields over the
   * years, AWS ALB): no trailing-content check.
   */
  openEnd?: boolean;
  /** Derives fields from others once the whole line was read (sums, termination flags). */
  finish?: (f: LineFields) => void;
}

const NEEDS_DECODE = /[\\\x80-\xff]/;

/** Decodes a kept string value according to the format's escaping, then as UTF-8. */
export function decodeValue(v: string, escape: Escape): string {
  // Most values hold neither escapes nor high bytes: one regex test, returned as they are.
  if (!NEEDS_DECODE.test(v)) return v;
  if (escape === 'default') return latin1ToUtf8(decodeNginxEscapes(v));
  if (escape === 'json') return latin1ToUtf8(decodeJsonEscapes(v));
  if (escape === 'apache') return latin1ToUtf8(decodeApacheEscapes(v));
  return latin1ToUtf8(v);
}

const NEEDS_HAPROXY_DECODE = /[#\x80-\xff]/;

/** As decodeValue, for the escapes of HAProxy (`#XX`, which the nginx test above misses). */
export function decodeHaproxyValue(v: string): string {
  return NEEDS_HAPROXY_DECODE.test(v) ? latin1ToUtf8(decodeHaproxyEscapes(v)) : v;
}

export class TextFormatParser implements LineParser {
  private readonly n: number;
  /** Quotes inside values are backslash-escaped (nginx escape=json, Apache). */
  private readonly json: boolean;
  lastReject: RejectReason | undefined;
  readonly covers: ReadonlySet<CoveredField>;
  private readonly restCounts: number[];

  constructor(
    private readonly fmt: CompiledFormat,
    readonly notes: readonly string[] = [],
  ) {
    this.n = fmt.variables.length;
    this.json = fmt.escape === 'json' || fmt.escape === 'apache';
    this.covers = new Set(
      fmt.variables.map((v) => v.covers).filter((c): c is CoveredField => c !== undefined),
    );
    // per variable: copies of the literal after it in the rest of the format (a NUL stands
    // for each variable, so literals do not join across one)
    this.restCounts = fmt.variables.map((_v, i) => {
      const lit = fmt.literals[i + 1];
      const rest = fmt.literals.slice(i + 2).join('\0');
      let n = 0;
      if (lit.length > 0) for (let q = rest.indexOf(lit); q >= 0; q = rest.indexOf(lit, q + 1)) n++;
      return n;
    });
  }

  parse(line: string): LineFields | undefined {
    const f = this.parseWith(line, false);
    // Unescaped formats (Envoy text, Traefik CLF): a quote inside a value (envoy#4191) ends it
    // too early and the line runs on. Read again with each quoted value ending where the rest of
    // the format still fits, so the fields after the odd value come out right.
    if (f === undefined && this.lastReject === 'trailing_content' && this.fmt.escape === 'none') {
      const g = this.parseWith(line, true);
      if (g !== undefined) this.lastReject = undefined;
      return g;
    }
    return f;
  }

  private parseWith(line: string, fromRight: boolean): LineFields | undefined {
    this.lastReject = undefined;
    const { literals, variables } = this.fmt;
    let p: number;
    const first = literals[0];
    const from = this.fmt.prefix ? this.fmt.prefix(line) : 0;
    if (first.length === 0) p = from;
    else if (line.startsWith(first, from)) p = from + first.length;
    else if (this.fmt.lenientPrefix) {
      const i = line.indexOf(first, from);
      if (i < 0) return undefined;
      p = i + first.length;
    } else return undefined;
    const f: LineFields = emptyFields();
    const len = line.length;
    for (let i = 0; i < this.n; i++) {
      const lit = literals[i + 1];
      const v = variables[i];
      let end: number;
      if (v.optionalBlock === true) {
        if (line.charCodeAt(p) !== 123 /* { */) {
          // Not logged: neither the block nor the separator after it (HAProxy writes a
          // separator only after a field it wrote).
          const rest = lit.trimStart();
          if (!line.startsWith(rest, p)) return undefined;
          p += rest.length;
          continue;
        }
        end = line.indexOf('}', p);
        if (end < 0 || !line.startsWith(lit, end + 1)) return undefined;
        end++;
      } else if (lit.length === 0) {
        // Last variable: runs to the end of the line (trailing spaces trimmed).
        end = len;
        while (end > p && line.charCodeAt(end - 1) === 32) end--;
        if ((v.token === true || v.numeric !== undefined) && !this.fmt.openEnd) {
          const sp = line.indexOf(' ', p);
          if (sp >= 0 && sp < end) {
            this.lastReject = 'trailing_content';
            return undefined;
          }
        }
      } else {
        end = fromRight && betweenQuoted(lit) ? this.rightEnd(line, p, i) : line.indexOf(lit, p);
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
    if (!this.fmt.openEnd && p < len && !onlySpaces(line, p)) {
      // A full match and more: two lines glued together, or a longer format than configured
      // (whose extra fields, often the timings, would be dropped without a word).
      this.lastReject = 'trailing_content';
      return undefined;
    }
    if (this.fmt.finish) this.fmt.finish(f);
    return f;
  }

  /**
   * The end of variable `i` when the line must hold, after it, as many copies of the literal
   * that follows it as the rest of the format does: the match that many from the right.
   */
  private rightEnd(line: string, p: number, i: number): number {
    const lit = this.fmt.literals[i + 1];
    const after = this.restCounts[i];
    const found: number[] = [];
    for (let q = line.indexOf(lit, p); q >= 0; q = line.indexOf(lit, q + 1)) found.push(q);
    const k = found.length - 1 - after;
    return k >= 0 ? found[k] : -1;
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

/** `" "`: the text between two quoted values, where an unescaped quote can hide. */
function betweenQuoted(lit: string): boolean {
  return lit.length >= 2 && lit.charCodeAt(0) === 34 && lit.charCodeAt(lit.length - 1) === 34;
}

function onlySpaces(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) if (line.charCodeAt(i) !== 32) return false;
  return true;
}

function storeNumber(f: LineFields, t: NumericTarget, line: string, start: number, end: number): void {
  const n = numAt(line, start, end);
  // -1 is "never reached" (HAProxy timers, AWS ALB): absent, never a negative duration or 0.
  if (n === undefined || (n < 0 && t.field !== 'timeMs')) return;
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

/** A piece of a tokenized format: literal text, or a variable (with the name errors show). */
export type FormatToken = string | { name: string; variable: FormatVariable };

/**
 * Joins a dialect's tokens into a parser: adjacent literals merge; two variables with no text
 * between them are a config error (the line could not be split there).
 */
export function buildFormat(
  dialect: string,
  tokens: readonly FormatToken[],
  opts: Omit<CompiledFormat, 'literals' | 'variables'>,
  notes: readonly string[] = [],
): TextFormatParser {
  const literals: string[] = [''];
  const variables: FormatVariable[] = [];
  let lastName = '';
  for (const t of tokens) {
    if (typeof t === 'string') {
      literals[literals.length - 1] += t;
      continue;
    }
    if (variables.length > 0 && literals[literals.length - 1].length === 0 && !t.variable.optionalBlock)
      throw new ConfigError([
        `${dialect}: ${t.name} and ${lastName} before it have no text between them (the line cannot be split there)`,
      ]);
    variables.push(t.variable);
    literals.push('');
    lastName = t.name;
  }
  if (variables.length === 0) throw new ConfigError([`${dialect}: the format has no fields`]);
  literals[literals.length - 1] = literals[literals.length - 1].replace(/\s+$/, '');
  return new TextFormatParser({ ...opts, literals, variables }, notes);
}
