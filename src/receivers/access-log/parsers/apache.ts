// SPDX-License-Identifier: Apache-2.0
// Apache httpd: compiles the user's own `LogFormat` (pasted from httpd.conf, with or without the
// `LogFormat "…" nickname` wrapper) onto the text-format engine. Apache escapes `"` as `\"`
// inside %r, %i and %o (2.0.46+), so quoted fields end at the first unescaped quote.
import { ConfigError } from '../../../component/errors.js';
import { SYNTHETIC_HEADER_VALUE } from '../fields.js';
import { isAbsent, TimeParser } from '../values.js';
import { setRequestLine } from './nginx.js';
import { buildFormat, decodeValue } from './text-format.js';
import type { FieldSetter, FormatToken, FormatVariable, TextFormatParser } from './text-format.js';

export const APACHE_COMMON = '%h %l %u %t "%r" %>s %b';
export const APACHE_COMBINED = `${APACHE_COMMON} "%{Referer}i" "%{User-agent}i"`;

export const APACHE_PRESETS: Record<string, string> = {
  common: APACHE_COMMON,
  combined: APACHE_COMBINED,
  /** `combined` plus the request time in microseconds, the timing Apache users add. */
  combined_D: `${APACHE_COMBINED} %D`,
  vhost_combined: `%v:%p ${APACHE_COMBINED}`,
};

/** Accepts a preset name, a bare format, or a whole `LogFormat "…" nick` / `CustomLog path "…"` line. */
export function readApacheLogFormat(input: string): string {
  const trimmed = input.trim();
  if (APACHE_PRESETS[trimmed]) return APACHE_PRESETS[trimmed];
  const directive = /^(?:LogFormat|CustomLog\s+\S+)\s+"((?:[^"\\]|\\.)*)"(?:\s+\S+)?\s*$/i.exec(trimmed);
  if (directive) return unescapeConf(directive[1]);
  // A format pasted from inside the quotes keeps its `\"`.
  return trimmed.includes('\\"') ? unescapeConf(trimmed) : trimmed;
}

function unescapeConf(s: string): string {
  return s.replace(/\\(["\\])/g, '$1');
}

/** `%h`, `%>s`, `%{Referer}i`, `%400,501{User-agent}i`, `%{ms}T`, `%%`. */
const DIRECTIVE = /%(?:!?\d{3}(?:,\d{3})*)?[<>]?(?:\{([^}]*)\})?[<>]?([a-zA-Z%])/g;

export function compileApache(input: string): TextFormatParser {
  const format = readApacheLogFormat(input);
  const tokens: FormatToken[] = [];
  const time = new TimeParser();
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = DIRECTIVE.exec(format)) !== null) {
    tokens.push(format.slice(last, m.index));
    last = m.index + m[0].length;
    const [whole, arg, letter] = m;
    if (letter === '%') {
      tokens.push('%');
      continue;
    }
    if (letter === 't' && arg === undefined) {
      // `%t` writes its own brackets: `[10/Oct/2000:13:55:36 -0700]`.
      tokens.push(
        '[',
        { name: whole, variable: { time: { parser: time, kind: 'local' }, list: false } },
        ']',
      );
      continue;
    }
    tokens.push({ name: whole, variable: apacheVariable(letter, arg) });
  }
  tokens.push(format.slice(last));
  return buildFormat('LogFormat', tokens, { escape: 'apache', lenientPrefix: false });
}

function apacheVariable(letter: string, arg: string | undefined): FormatVariable {
  const plain = (setter?: FieldSetter): FormatVariable => ({ setter, list: false });
  const text = (v: string) => (isAbsent(v) ? undefined : decodeValue(v, 'apache'));
  switch (letter) {
    case 's':
      return { numeric: { field: 'status', scale: 1 }, list: false, covers: 'status' };
    case 'b':
    case 'B':
    case 'O':
      return { numeric: { field: 'bytesSent', scale: 1 }, list: false };
    case 'I':
      return { numeric: { field: 'bytesReceived', scale: 1 }, list: false };
    case 'D': // microseconds
      return { numeric: { field: 'totalMs', scale: 0.001 }, list: false, covers: 'duration' };
    case 'T': {
      const unit = (arg ?? 's').toLowerCase();
      const scale = unit === 'ms' ? 1 : unit === 'us' ? 0.001 : 1000;
      return { numeric: { field: 'totalMs', scale }, list: false, covers: 'duration' };
    }
    case 't':
      if (arg === 'msec' || arg === 'sec')
        return { numeric: { field: 'timeMs', scale: arg === 'sec' ? 1000 : 1 }, list: false };
      return plain(); // a custom strftime: skipped
    case 'r':
      return plain((f, v) => setRequestLine(f, decodeValue(v, 'apache')));
    case 'm':
      return plain((f, v) => void (isAbsent(v) || (f.method = v)));
    case 'U':
      return plain((f, v) => void (isAbsent(v) || (f.path = decodeValue(v, 'apache'))));
    case 'i':
    case 'o':
      return plain(headerSetter((arg ?? '').toLowerCase(), letter === 'o', text));
    default:
      if (letter.length === 1 && /[a-zA-Z]/.test(letter)) return plain();
      throw new ConfigError([`LogFormat: unknown directive %${letter}`]);
  }
}

function headerSetter(
  name: string,
  response: boolean,
  text: (v: string) => string | undefined,
): FieldSetter | undefined {
  if (name === 'x-request-id')
    return response
      ? (f, v) => {
          const t = text(v);
          if (t !== undefined) f.requestId = t;
        }
      : (f, v) => void (f.requestId ??= text(v));
  if (name === 'x-request-source') return (f, v) => void (f.synthetic = v === SYNTHETIC_HEADER_VALUE);
  if (name.endsWith('model'))
    return (f, v) => {
      const t = text(v);
      if (t === undefined) return;
      if (response) f.responseModel = t;
      else f.model = t;
    };
  return undefined;
}
