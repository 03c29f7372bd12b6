// SPDX-License-Identifier: Apache-2.0
// HAProxy: compiles a `log-format` string (pasted from haproxy.cfg) onto the text-format engine;
// `option httplog` is its preset. What HAProxy does differently (configuration.txt §8.2.3, §8.6):
// a syslog prefix before the line, timers in ms with -1 = phase not reached, a 4-character
// termination state (`SC--` = the server refused the connection), retries `%rc` written `+N`
// when the request was redispatched to another server, `#XX` escapes, and captured header
// blocks `{…}` that are not written at all without `capture` lines.
import { ConfigError } from '../../../component/errors.js';
import type { LineFields } from '../fields.js';
import { isAbsent, num, TimeParser } from '../values.js';
import { setRequestLine } from './nginx.js';
import { buildFormat, decodeHaproxyValue } from './text-format.js';
import type { FieldSetter, FormatToken, FormatVariable, TextFormatParser } from './text-format.js';

/** `option httplog` (HAProxy 2.x `HAPROXY_HTTP_LOG_FMT`). */
export const HAPROXY_HTTPLOG =
  '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';

export const HAPROXY_PRESETS: Record<string, string> = {
  httplog: HAPROXY_HTTPLOG,
  /** HAProxy 1.x `option httplog`: Tq and Tt where 2.x logs TR and Ta. */
  httplog_legacy:
    '%ci:%cp [%tr] %ft %b/%s %Tq/%Tw/%Tc/%Tr/%Tt %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r',
};

/** `Feb  6 12:14:14 host haproxy[123]: ` or `<134>Feb …` or an RFC 5424 / ISO timestamp prefix. */
const SYSLOG_PREFIX =
  /^(?:<\d{1,3}>\d? ?)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?) \S+ [^\s:[]+(?:\[\d+\])?: /;

function syslogPrefix(line: string): number {
  // Cheap test first: raw (`log stdout format raw`) lines start with the client address.
  const c = line.charCodeAt(0);
  if (!(c === 60 /* < */ || (c >= 65 && c <= 90) /* A-Z */ || (c >= 48 && c <= 57))) return 0;
  const m = SYSLOG_PREFIX.exec(line);
  return m ? m[0].length : 0;
}

/** Accepts a preset name, a bare format, or a whole `log-format "…"` line. */
export function readHaproxyLogFormat(input: string): string {
  const trimmed = input.trim();
  if (HAPROXY_PRESETS[trimmed]) return HAPROXY_PRESETS[trimmed];
  if (/^option\s+httplog\s*$/.test(trimmed)) return HAPROXY_HTTPLOG;
  const directive = /^log-format\s+(?:"((?:[^"\\]|\\.)*)"|(.*))$/.exec(trimmed);
  if (directive) return directive[1] !== undefined ? directive[1].replace(/\\(.)/g, '$1') : directive[2];
  return trimmed;
}

/** `%ci`, `%{+Q}r`, `%[capture.req.hdr(0)]` (sample fetches: skipped). */
const VARIABLE = /%(?:\{([^}]*)\})?(\[[^\]]*\]|[a-zA-Z]+)/g;

export function compileHaproxy(input: string): TextFormatParser {
  // An address and its port, `%ci:%cp`, are read as one value: IPv6 clients are logged
  // without brackets (`::1:36878`), so the `:` cannot split them.
  const format = readHaproxyLogFormat(input).replace(/%([cfbs])i:%\1p/g, '%$1i');
  const tokens: FormatToken[] = [];
  const time = new TimeParser();
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = VARIABLE.exec(format)) !== null) {
    tokens.push(format.slice(last, m.index).replace(/%%/g, '%'));
    last = m.index + m[0].length;
    const quoted = (m[1] ?? '').split(',').includes('+Q');
    const variable = haproxyVariable(m[2], time);
    if (quoted) tokens.push('"', { name: m[0], variable }, '"');
    else tokens.push({ name: m[0], variable });
  }
  tokens.push(format.slice(last));
  return buildFormat('log-format', tokens, {
    escape: 'haproxy',
    lenientPrefix: false,
    prefix: syslogPrefix,
    finish: finishHaproxy,
  });
}

const timer = (field: 'totalMs' | 'ttfbMs', covers: 'duration' | 'ttfb'): FormatVariable => ({
  numeric: { field, scale: 1 },
  list: false,
  covers,
});

function haproxyVariable(name: string, time: TimeParser): FormatVariable {
  const plain = (setter?: FieldSetter): FormatVariable => ({ setter, list: false });
  switch (name) {
    case 'ST':
      return { numeric: { field: 'status', scale: 1 }, list: false, covers: 'status' };
    case 'B':
      return { numeric: { field: 'bytesSent', scale: 1 }, list: false };
    case 'U':
      return { numeric: { field: 'bytesReceived', scale: 1 }, list: false };
    case 'Ta':
    case 'Tt':
      return timer('totalMs', 'duration');
    case 'Tr':
      return timer('ttfbMs', 'ttfb');
    case 'Tc':
      return plain((f, v) => {
        const n = num(v);
        if (n !== undefined && n >= 0) f.connectMs = n;
      });
    case 'tr':
    case 't':
      // `06/Feb/2009:12:14:14.655`: HAProxy's local time, without a zone.
      return plain((f, v) => void (f.timeMs = time.local(v)));
    case 'T':
      return { time: { parser: time, kind: 'local' }, list: false };
    case 's':
      return plain((f, v) => {
        if (!isAbsent(v) && v.charCodeAt(0) !== 60 /* <NOSRV> */) f.upstreamMembers = [decodeHaproxyValue(v)];
      });
    case 'tsc':
    case 'ts':
      return plain((f, v) => void (f.flags = v));
    case 'rc':
      return plain((f, v) => {
        const redispatched = v.charCodeAt(0) === 43; /* + */
        const n = num(redispatched ? v.slice(1) : v);
        if (n === undefined || n < 0) return;
        f.upstreamAttempts = n + 1;
        if (redispatched) f.redispatched = true;
      });
    case 'r':
      return plain((f, v) => setRequestLine(f, decodeHaproxyValue(v)));
    case 'HM':
      return plain((f, v) => void (isAbsent(v) || (f.method = v)));
    case 'HU':
    case 'HP':
      return plain((f, v) => void (isAbsent(v) || (f.path = decodeHaproxyValue(v))));
    case 'ID':
      return plain((f, v) => void (isAbsent(v) || (f.requestId = decodeHaproxyValue(v))));
    case 'hr':
    case 'hs':
      return { list: false, optionalBlock: true };
    default:
      if (/^\[|^[a-zA-Z]+$/.test(name)) return plain();
      throw new ConfigError([`log-format: cannot read %${name}`]);
  }
}

/**
 * The termination state says who ended the session: `-` first = normally, `S`/`s` = the
 * server side (refused, aborted, timed out: the status is HAProxy's own, the last attempt
 * failed), `C`/`c` = the client. The status is the upstream's answer only when HAProxy did
 * not end the session itself.
 */
function finishHaproxy(f: LineFields): void {
  const ts = f.flags;
  f.flags = undefined;
  const server = f.upstreamMembers !== undefined;
  if (ts !== undefined && ts.length >= 2 && ts.charCodeAt(0) !== 45 /* - */) f.terminationState = ts;
  const who = ts?.charCodeAt(0);
  if (who === 83 /* S */ || who === 115 /* s */) {
    f.upstreamFailed = true;
    if (f.upstreamAttempts === undefined) f.upstreamAttempts = 1;
  } else if (server && f.status !== undefined && (who === 45 || who === 67 /* C */ || who === 99)) {
    f.upstreamStatuses = [f.status];
    if (f.upstreamAttempts === undefined) f.upstreamAttempts = 1;
  }
}
