// SPDX-License-Identifier: Apache-2.0
// nginx: compiles the user's own `log_format` (pasted from nginx.conf, with or without the
// `log_format name escape=json '...'` wrapper) into a TextFormatParser.
import { ConfigError } from '../../../component/errors.js';
import type { CoveredField, LineFields } from '../fields.js';
import { SYNTHETIC_HEADER_VALUE } from '../fields.js';
import { isAbsent, lastListSeconds, num, splitUpstreamList, TimeParser } from '../values.js';
import { decodeValue, TextFormatParser } from './text-format.js';
import type { Escape, FieldSetter, FormatVariable, NumericTarget, TimeTarget } from './text-format.js';

export const NGINX_COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** `combined` plus the timings and upstream fields an LLM gateway should log. */
export const NGINX_COMBINED_TIMINGS = `${NGINX_COMBINED} $request_time $upstream_response_time $upstream_status`;

export const NGINX_PRESETS: Record<string, string> = {
  combined: NGINX_COMBINED,
  combined_timings: NGINX_COMBINED_TIMINGS,
  /** ingress-nginx `upstreaminfo` (lists unquoted). */
  ingress_upstreaminfo:
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
};

export interface NginxFormat {
  format: string;
  escape: Escape;
}

/** Accepts a preset name, a bare format string, or a whole `log_format` directive. */
export function readNginxLogFormat(input: string, escapeOverride?: Escape): NginxFormat {
  const trimmed = input.trim();
  if (NGINX_PRESETS[trimmed]) return { format: NGINX_PRESETS[trimmed], escape: escapeOverride ?? 'default' };
  let body = trimmed;
  let escape: Escape = 'default';
  const directive = /^log_format\s+\S+\s+(?:escape=(default|json|none)\s+)?([\s\S]*?);?\s*$/.exec(trimmed);
  if (directive) {
    escape = (directive[1] as Escape | undefined) ?? 'default';
    body = directive[2];
  }
  // nginx concatenates adjacent quoted strings: 'a' 'b' or "a" "b".
  if (/^['"]/.test(body)) {
    const parts = body.match(/'[^']*'|"(?:[^"\\]|\\.)*"/g);
    if (parts) body = parts.map((q) => q.slice(1, -1)).join('');
  }
  return { format: body, escape: escapeOverride ?? escape };
}

export function compileNginx(input: string, escapeOverride?: Escape): TextFormatParser {
  const { format, escape } = readNginxLogFormat(input, escapeOverride);
  const literals: string[] = [];
  const variables: FormatVariable[] = [];
  const re = /\$(?:\{(\w+)\}|(\w+))/g;
  let last = 0;
  let m: RegExpExecArray | null;
  const time = new TimeParser();
  const notes: string[] = [];
  while ((m = re.exec(format)) !== null) {
    const lit = format.slice(last, m.index);
    if (variables.length > 0 && lit.length === 0)
      throw new ConfigError([
        `log_format: variables $${m[1] ?? m[2]} and the one before it have no text between them`,
      ]);
    literals.push(lit);
    const name = (m[1] ?? m[2]).toLowerCase();
    const numeric = NGINX_NUMERIC[name];
    const stamp: TimeTarget | undefined =
      name === 'time_local'
        ? { parser: time, kind: 'local' }
        : name === 'time_iso8601'
          ? { parser: time, kind: 'iso' }
          : undefined;
    const setter = numeric || stamp ? undefined : nginxSetter(name, escape);
    if (!numeric && !stamp && !setter && TIMING_LIKE.test(name))
      notes.push(
        `log_format: $${name} looks like a timing but is not an nginx variable driftwatch reads ($request_time, $upstream_response_time, $upstream_header_time, $upstream_connect_time); its values are ignored`,
      );
    variables.push({
      setter,
      numeric,
      time: stamp,
      list: name.startsWith('upstream_') && !name.startsWith('upstream_http_'),
      covers: NGINX_COVERS[name],
      token: TOKEN_LIKE.test(name) && !(name.startsWith('upstream_') && !name.startsWith('upstream_http_')),
    });
    last = m.index + m[0].length;
  }
  if (variables.length === 0) throw new ConfigError(['log_format: no $variables found']);
  literals.push(format.slice(last).replace(/\s+$/, ''));
  return new TextFormatParser({ literals, variables, escape, lenientPrefix: false }, notes);
}

const TIMING_LIKE = /time|latency|duration|_ms$|_us$/;
/** Variables whose values never hold a space. */
const TOKEN_LIKE =
  /^(?:request_id|remote_addr|remote_port|server_addr|server_port|msec|pid|connection|connection_requests|status|request_time|request_length|bytes_sent|body_bytes_sent|.*_id)$/;

const NGINX_COVERS: Record<string, CoveredField | undefined> = {
  status: 'status',
  request_time: 'duration',
  upstream_response_time: 'upstream_duration',
  upstream_header_time: 'ttfb',
  upstream_status: 'upstream_status',
};

/** Variables that are one plain number: the parser reads them in place. */
const NGINX_NUMERIC: Record<string, NumericTarget | undefined> = {
  status: { field: 'status', scale: 1 },
  request_time: { field: 'totalMs', scale: 1000 },
  body_bytes_sent: { field: 'bytesSent', scale: 1 },
  bytes_sent: { field: 'bytesSent', scale: 1 },
  request_length: { field: 'bytesReceived', scale: 1 },
  msec: { field: 'timeMs', scale: 1000 },
};

/** Splits `$request` (`POST /v1/chat/completions?x HTTP/1.1`) into method and path. */
export function setRequestLine(f: LineFields, v: string): void {
  const s1 = v.indexOf(' ');
  if (s1 <= 0) return;
  f.method = v.slice(0, s1);
  const s2 = v.lastIndexOf(' ');
  f.path = s2 > s1 && v.startsWith('HTTP/', s2 + 1) ? v.slice(s1 + 1, s2) : v.slice(s1 + 1);
}

function nginxSetter(name: string, escape: Escape): FieldSetter | undefined {
  const text = (v: string) => (isAbsent(v) ? undefined : decodeValue(v, escape));
  switch (name) {
    case 'request':
      return setRequestLine;
    case 'request_method':
      return (f, v) => void (isAbsent(v) || (f.method = v));
    case 'request_uri':
    case 'uri':
      return (f, v) => void (isAbsent(v) || (f.path = v));
    case 'upstream_response_time':
      return (f, v) => {
        if (isAbsent(v)) return;
        f.upstreamMs = lastListSeconds(v);
        countAttempts(f, v);
      };
    case 'upstream_header_time':
      return (f, v) => {
        if (isAbsent(v)) return;
        f.ttfbMs = lastListSeconds(v);
      };
    case 'upstream_connect_time':
      return (f, v) => {
        if (v === '') return;
        const ms = v === '-' ? undefined : lastListSeconds(v);
        if (ms === undefined) f.connectFailed = true;
        else f.connectMs = ms;
      };
    case 'upstream_status':
      return (f, v) => {
        if (isAbsent(v)) return;
        if (v.indexOf(',') < 0 && v.indexOf(' : ') < 0) {
          const n = num(v);
          f.upstreamStatuses = n === undefined ? [] : [n];
          if ((f.upstreamAttempts ?? 0) < 1) f.upstreamAttempts = 1;
          return;
        }
        const list = splitUpstreamList(v);
        const statuses: number[] = [];
        for (const s of list.items) {
          const n = num(s);
          if (n !== undefined) statuses.push(n);
        }
        f.upstreamStatuses = statuses;
        f.upstreamAttempts = Math.max(f.upstreamAttempts ?? 0, list.items.length);
        f.upstreamGroups = Math.max(f.upstreamGroups ?? 1, list.groups);
      };
    case 'upstream_addr':
      return (f, v) => {
        if (isAbsent(v)) return;
        countAttempts(f, v);
        // one member (nearly every line): no split
        f.upstreamMembers = v.indexOf(',') < 0 && v.indexOf(' : ') < 0 ? [v] : splitUpstreamList(v).items;
      };
    case 'request_id':
      return (f, v) => void (f.requestId ??= text(v));
    case 'upstream_http_x_request_id':
    case 'sent_http_x_request_id':
      // The provider's request id wins over nginx's own $request_id.
      return (f, v) => {
        const t = text(v);
        if (t !== undefined) f.requestId = t;
      };
    case 'http_x_request_source':
      return (f, v) => void (f.synthetic = v === SYNTHETIC_HEADER_VALUE);
    default:
      if (name.endsWith('_model') || name === 'model') {
        const response = name.startsWith('upstream_http_') || name.startsWith('sent_http_');
        return (f, v) => {
          const t = text(v);
          if (t === undefined) return;
          if (response) f.responseModel = t;
          else f.model = t;
        };
      }
      return undefined;
  }
}

/** Counts attempts (`, ` and ` : `) and groups (` : `) without splitting the list. */
function countAttempts(f: LineFields, v: string): void {
  // One attempt (nearly every line): nothing to count.
  if (v.indexOf(',') < 0 && v.indexOf(':') < 0) {
    if ((f.upstreamAttempts ?? 0) < 1) f.upstreamAttempts = 1;
    return;
  }
  let attempts = 1;
  let groups = 1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 /* , */) attempts++;
    else if (c === 58 /* : */ && v.charCodeAt(i - 1) === 32 && v.charCodeAt(i + 1) === 32) {
      attempts++;
      groups++;
    }
  }
  if (attempts > (f.upstreamAttempts ?? 0)) f.upstreamAttempts = attempts;
  if (groups > (f.upstreamGroups ?? 1)) f.upstreamGroups = groups;
}
