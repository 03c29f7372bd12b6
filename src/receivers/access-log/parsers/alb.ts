// SPDX-License-Identifier: Apache-2.0
// AWS Application Load Balancer access logs (docs.aws.amazon.com, "Access log entries"):
// space-separated, some fields quoted, times in seconds with -1 = "not available" (the target
// never answered, the client left). Fields are appended over the years, so everything after
// the user agent is read as one value and never counted as trailing content.
import type { LineFields } from '../fields.js';
import { isAbsent, num, TimeParser } from '../values.js';
import { setRequestLine } from './nginx.js';
import { buildFormat, decodeValue } from './text-format.js';
import type { FieldSetter, FormatToken, FormatVariable, TextFormatParser } from './text-format.js';

export function compileAwsAlb(): TextFormatParser {
  const time = new TimeParser();
  // The three processing times of the line being read; -1 (or `-`) makes the total absent.
  const t = { request: 0, target: 0, response: 0 };
  const seconds =
    (k: keyof typeof t): FieldSetter =>
    (_f, v) => {
      const n = num(v);
      t[k] = n === undefined || n < 0 ? -1 : n;
    };
  const v = (name: string, variable: FormatVariable): FormatToken => ({ name, variable });
  const plain = (setter?: FieldSetter): FormatVariable => ({ setter, list: false });
  const tokens: FormatToken[] = [
    v(
      'type',
      plain(() => void (t.request = t.target = t.response = 0)),
    ),
    ' ',
    v('time', { time: { parser: time, kind: 'iso' }, list: false }),
    ' ',
    v('elb', plain()),
    ' ',
    v('client:port', plain()),
    ' ',
    v(
      'target:port',
      plain((f, s) => void (isAbsent(s) || (f.upstreamMembers = [s]))),
    ),
    ' ',
    v('request_processing_time', plain(seconds('request'))),
    ' ',
    v('target_processing_time', { ...plain(seconds('target')), covers: 'upstream_duration' }),
    ' ',
    v('response_processing_time', { ...plain(seconds('response')), covers: 'duration' }),
    ' ',
    v('elb_status_code', { numeric: { field: 'status', scale: 1 }, list: false, covers: 'status' }),
    ' ',
    v('target_status_code', { ...plain(targetStatus), covers: 'upstream_status' }),
    ' ',
    v('received_bytes', { numeric: { field: 'bytesReceived', scale: 1 }, list: false }),
    ' ',
    v('sent_bytes', { numeric: { field: 'bytesSent', scale: 1 }, list: false }),
    ' "',
    v(
      'request',
      plain((f, s) => setRequestLine(f, decodeValue(s, 'none'))),
    ),
    '" "',
    v('user_agent', plain()),
    '" ',
    v('the rest', plain()),
  ];
  const finish = (f: LineFields): void => {
    if (t.target >= 0 && f.upstreamMembers !== undefined) f.upstreamMs = t.target * 1000;
    if (t.request >= 0 && t.target >= 0 && t.response >= 0)
      f.totalMs = (t.request + t.target + t.response) * 1000;
    // A target was chosen but sent no status: it never answered (ALB's own 502/504).
    if (f.upstreamMembers !== undefined && f.upstreamStatuses === undefined) {
      f.upstreamFailed = true;
      f.upstreamAttempts = 1;
    }
  };
  return buildFormat('aws_alb', tokens, { escape: 'none', lenientPrefix: false, openEnd: true, finish });
}

function targetStatus(f: LineFields, v: string): void {
  const n = num(v);
  if (n === undefined) return;
  f.upstreamStatuses = [n];
  f.upstreamAttempts = 1;
}
