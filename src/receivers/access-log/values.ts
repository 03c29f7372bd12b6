// SPDX-License-Identifier: Apache-2.0
// Small decoders shared by the parsers: escapes, upstream lists, numbers, timestamps.

/** nginx default escaping: `\xHH` for `"`, `\`, control bytes and bytes >= 0x80. */
export function decodeNginxEscapes(v: string): string {
  if (v.indexOf('\\x') < 0) return v;
  return v.replace(/\\x([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** JSON string escapes as nginx `escape=json` writes them (bytes >= 0x7F stay raw). */
export function decodeJsonEscapes(v: string): string {
  if (v.indexOf('\\') < 0) return v;
  return v.replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'u':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}

const NON_ASCII = /[\x80-\uffff]/;

/** Lines are read as latin1 (one char per byte); kept text is re-read as UTF-8 (invalid bytes → U+FFFD). */
export function latin1ToUtf8(v: string): string {
  // A regex test beats a charCodeAt loop on the sliced strings values are (measured 2-3x).
  return NON_ASCII.test(v) ? Buffer.from(v, 'latin1').toString('utf8') : v;
}

/** `-`, empty, `null` mean "absent" in every format we read. */
export function isAbsent(v: string | undefined): boolean {
  return v === undefined || v === '' || v === '-' || v === 'null';
}

/** A number or undefined (never NaN); plain decimals are scanned by hand (hot path). */
export function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : numAt(v, 0, v.length);
}

/**
 * `num()` of `s.substring(start, end)` without cutting the substring: plain decimals (all but
 * a few values in real logs) are scanned in place; anything else takes the general path.
 */
export function numAt(s: string, start: number, end: number): number | undefined {
  const len = end - start;
  let n = 0;
  let i = start;
  let c = 0;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  if (i === end && len > 0 && len < 16) return n;
  if (c === 46 && i > start && len < 16) {
    let scale = 1;
    let j = i + 1;
    for (; j < end; j++) {
      c = s.charCodeAt(j);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      scale *= 10;
    }
    // Both operands are exact, so the division rounds like Number() would.
    if (j === end && j > i + 1) return n / scale;
  }
  const v = start === 0 && end === s.length ? s : s.substring(start, end);
  if (isAbsent(v)) return undefined;
  const parsed = Number(v);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** An upstream list `a, b : c` split into its elements and the number of groups. */
export interface UpstreamList {
  items: string[];
  groups: number;
}

export function splitUpstreamList(v: string): UpstreamList {
  if (v.indexOf(',') < 0 && v.indexOf(' : ') < 0) return { items: [v.trim()], groups: 1 };
  const groups = v.split(' : ');
  const items: string[] = [];
  for (const g of groups) for (const part of g.split(',')) items.push(part.trim());
  return { items, groups: groups.length };
}

/** Last element of an upstream timing list, in ms (nginx logs seconds). */
export function lastListSeconds(v: string): number | undefined {
  const single = num(v);
  if (single !== undefined) return single < 0 ? undefined : single * 1000;
  const i = Math.max(v.lastIndexOf(','), v.lastIndexOf(':'));
  const s = num((i < 0 ? v : v.slice(i + 1)).trim());
  return s === undefined || s < 0 ? undefined : s * 1000;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Caches the last parsed second: consecutive lines share it, so most lines cost one compare. */
export class TimeParser {
  private lastKey = '';
  private lastMs = 0;

  /** nginx `$time_local` / CLF: `26/Nov/2026:15:14:32 +0000` (HAProxy: `…:32.655`, no zone). */
  local(v: string): number | undefined {
    if (v === this.lastKey) return this.lastMs;
    const m =
      /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?: ?([+-])(\d{2})(\d{2}))?$/.exec(v);
    if (!m) return undefined;
    const month = MONTHS[m[2]];
    if (month === undefined) return undefined;
    const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
    const parts = [Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])] as const;
    // Without a zone (HAProxy `%tr`) the time is the writer's local time, i.e. this host's.
    const ms =
      m[8] === undefined
        ? new Date(...parts).getTime() + frac
        : Date.UTC(...parts) - (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000 + frac;
    this.lastKey = v;
    this.lastMs = ms;
    return ms;
  }

  /** `local()` of `line.substring(start, end)`; the common repeat is compared in place. */
  localAt(line: string, start: number, end: number): number | undefined {
    const k = this.lastKey;
    if (k.length === end - start && k.length > 0 && line.startsWith(k, start)) return this.lastMs;
    return this.local(line.substring(start, end));
  }

  /** `iso()` of `line.substring(start, end)`, compared in place like `localAt`. */
  isoAt(line: string, start: number, end: number): number | undefined {
    const k = this.lastKey;
    if (k.length === end - start && k.length > 0 && line.startsWith(k, start)) return this.lastMs;
    return this.iso(line.substring(start, end));
  }

  /** ISO-8601 (`$time_iso8601`, Envoy START_TIME, Traefik StartUTC). */
  iso(v: string): number | undefined {
    if (v === this.lastKey) return this.lastMs;
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) return undefined;
    this.lastKey = v;
    this.lastMs = ms;
    return ms;
  }
}

/**
 * A copy that does not point into the chunk it was cut from (V8 sliced strings keep their
 * parent alive): used for values kept in long-lived caches.
 */
export function detach(s: string): string {
  return s.length === 0 ? s : (' ' + s).slice(1);
}

/** Apache `mod_log_config` escapes (2.0.46+): `\"`, `\\`, C-style `\n` `\t`, other bytes `\xhh`. */
export function decodeApacheEscapes(v: string): string {
  if (v.indexOf('\\') < 0) return v;
  return v.replace(/\\(x[0-9A-Fa-f]{2}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return e;
    }
  });
}

/** HAProxy log escapes: `#XX` (upper-case hex) for `"`, `#`, non-printables and `{|}` in captures. */
export function decodeHaproxyEscapes(v: string): string {
  if (v.indexOf('#') < 0) return v;
  return v.replace(/#([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
