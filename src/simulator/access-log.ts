// SPDX-License-Identifier: Apache-2.0
// nginx-style access log of what the simulator served: the `combined` format followed by
// `$request_time` (seconds with milliseconds), i.e.
//   log_format sim '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
//                  '"$http_referer" "$http_user_agent" $request_time';
// Strings are escaped the way nginx does by default (\xHH for control bytes, quote, backslash).
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export function timeLocal(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

export function nginxEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out +=
      b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f
        ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(b);
  }
  return out;
}

export interface AccessEntry {
  remote: string;
  time: Date;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  bytes: number;
  userAgent: string;
  requestTimeMs: number;
}

export function formatAccessLine(e: AccessEntry): string {
  const req = nginxEscape(`${e.method} ${e.url} HTTP/${e.httpVersion}`);
  const ua = e.userAgent ? nginxEscape(e.userAgent) : '-';
  return `${e.remote} - - [${timeLocal(e.time)}] "${req}" ${e.status} ${e.bytes} "-" "${ua}" ${(e.requestTimeMs / 1000).toFixed(3)}\n`;
}

export class AccessLog {
  private readonly out: WriteStream;
  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'a' });
    this.out.on('error', () => {});
  }
  write(e: AccessEntry): void {
    this.out.write(formatAccessLine(e));
  }
  close(): Promise<void> {
    return new Promise((r) => this.out.end(r));
  }
}
