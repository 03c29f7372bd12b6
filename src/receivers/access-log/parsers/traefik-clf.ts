// SPDX-License-Identifier: Apache-2.0
// Traefik's default text access log (CLF, pkg/middlewares/accesslog/logger_formatters.go):
// `host - user [time] "METHOD path proto" status size "referer" "ua" count "router" "service_url" 12ms`.
// The duration is whole milliseconds with an `ms` suffix; values are quoted without escaping
// before Traefik v3.5 (PR #13180), so a quoted field ends at the literal after it.
import { isAbsent, TimeParser } from '../values.js';
import { buildFormat } from './text-format.js';
import type { FieldSetter, FormatToken, FormatVariable, TextFormatParser } from './text-format.js';

export function compileTraefikClf(): TextFormatParser {
  const time = new TimeParser();
  const v = (name: string, variable: FormatVariable): FormatToken => ({ name, variable });
  const plain = (setter?: FieldSetter): FormatVariable => ({ setter, list: false });
  const tokens: FormatToken[] = [
    v('ClientHost', plain()),
    ' - ',
    v('ClientUsername', plain()),
    ' [',
    v('StartUTC', { time: { parser: time, kind: 'local' }, list: false }),
    '] "',
    v(
      'RequestMethod',
      plain((f, s) => void (isAbsent(s) || (f.method = s))),
    ),
    ' ',
    v(
      'RequestPath',
      plain((f, s) => void (isAbsent(s) || (f.path = s))),
    ),
    ' ',
    v('RequestProtocol', plain()),
    '" ',
    v('status', { numeric: { field: 'status', scale: 1 }, list: false, covers: 'status' }),
    ' ',
    v('size', { numeric: { field: 'bytesSent', scale: 1 }, list: false }),
    ' "',
    v('Referer', plain()),
    '" "',
    v('User-Agent', plain()),
    '" ',
    v('RequestCount', plain()),
    ' "',
    v('RouterName', plain()),
    '" "',
    v(
      'ServiceURL',
      plain((f, s) => void (isAbsent(s) || (f.upstreamMembers = [s]))),
    ),
    '" ',
    v('Duration', { numeric: { field: 'totalMs', scale: 1 }, list: false, covers: 'duration' }),
    'ms',
  ];
  return buildFormat('traefik_clf', tokens, { escape: 'none', lenientPrefix: false });
}
