// SPDX-License-Identifier: Apache-2.0
// Envoy text access logs: the `%COMMAND%` format language compiled onto the same engine as
// nginx. Envoy does not escape header values in text mode (envoy#4191), so quoted fields end
// at the literal that follows them (`" "`), which survives most injected quotes.
import { ConfigError } from '../../../component/errors.js';
import { SYNTHETIC_HEADER_VALUE } from '../fields.js';
import { isAbsent, TimeParser } from '../values.js';
import { decodeValue, TextFormatParser } from './text-format.js';
import type { FieldSetter, FormatVariable, NumericTarget, TimeTarget } from './text-format.js';

export const ENVOY_DEFAULT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

/** Commands that are one plain number (Envoy logs durations in ms): read in place. */
const ENVOY_NUMERIC: Record<string, NumericTarget | undefined> = {
  RESPONSE_CODE: { field: 'status', scale: 1 },
  BYTES_RECEIVED: { field: 'bytesReceived', scale: 1 },
  BYTES_SENT: { field: 'bytesSent', scale: 1 },
  DURATION: { field: 'totalMs', scale: 1 },
  'RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)': { field: 'upstreamMs', scale: 1 },
  RESPONSE_DURATION: { field: 'ttfbMs', scale: 1 },
};

export function compileEnvoy(format: string = ENVOY_DEFAULT_FORMAT): TextFormatParser {
  const literals: string[] = [];
  const variables: FormatVariable[] = [];
  const re = /%([A-Z_]+(?:\([^)]*\))?(?::\d+)?)%/g;
  const time = new TimeParser();
  const fmt = format.replace(/\\n$|\n$/, '');
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt)) !== null) {
    const lit = fmt.slice(last, m.index);
    if (variables.length > 0 && lit.length === 0)
      throw new ConfigError([`envoy format: %${m[1]}% and the command before it have no text between them`]);
    literals.push(lit);
    const numeric = ENVOY_NUMERIC[m[1].replace(/:\d+$/, '')];
    const stamp: TimeTarget | undefined = m[1].startsWith('START_TIME')
      ? { parser: time, kind: 'iso' }
      : undefined;
    variables.push({
      setter: numeric || stamp ? undefined : envoySetter(m[1]),
      numeric,
      time: stamp,
      list: false,
    });
    last = m.index + m[0].length;
  }
  if (variables.length === 0) throw new ConfigError(['envoy format: no %COMMAND% found']);
  literals.push(fmt.slice(last).replace(/\s+$/, ''));
  return new TextFormatParser({ literals, variables, escape: 'none', lenientPrefix: true });
}

function envoySetter(command: string): FieldSetter | undefined {
  const cmd = command.replace(/:\d+$/, '');
  const text = (v: string) => (isAbsent(v) ? undefined : decodeValue(v, 'none'));
  switch (cmd) {
    case 'REQ(:METHOD)':
      return (f, v) => void (isAbsent(v) || (f.method = v));
    case 'REQ(X-ENVOY-ORIGINAL-PATH?:PATH)':
    case 'REQ(:PATH)':
      return (f, v) => void (isAbsent(v) || (f.path = v));
    case 'RESPONSE_FLAGS':
      return (f, v) => void (isAbsent(v) || (f.flags = v));
    case 'REQ(X-REQUEST-ID)':
      return (f, v) => void (f.requestId = text(v));
    case 'REQ(X-REQUEST-SOURCE)':
      return (f, v) => void (f.synthetic = v === SYNTHETIC_HEADER_VALUE);
    case 'UPSTREAM_HOST':
      return (f, v) => {
        if (!isAbsent(v)) f.upstreamAttempts = 1;
      };
    default:
      if (/^REQ\(.*MODEL\)$/.test(cmd)) return (f, v) => void (f.model = text(v));
      if (/^RESP\(.*MODEL\)$/.test(cmd)) return (f, v) => void (f.responseModel = text(v));
      return undefined;
  }
}
