// SPDX-License-Identifier: Apache-2.0
// Test double with real bytes: an HTTP server on 127.0.0.1 that plays a recorded SSE body byte for
// byte, one event (up to and including its blank line) per write, with set timings.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReplayOptions {
  /** Delay before the status line and headers. */
  ttfbMs: number;
  /** Delay between two events. */
  gapMs: number;
  contentType?: string;
}

/** Splits a recorded body after each blank line (LF LF, CRLF CRLF or CR CR), keeping every byte. */
export function splitEvents(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const lf2 = body[i] === 10 && body[i + 1] === 10;
    const crlf2 = body[i] === 13 && body[i + 1] === 10 && body[i + 2] === 13 && body[i + 3] === 10;
    if (lf2 || crlf2) {
      const end = i + (lf2 ? 2 : 4);
      out.push(body.subarray(start, end));
      start = end;
      i = end - 1;
    }
  }
  if (start < body.length) out.push(body.subarray(start));
  return out;
}

export class ReplayServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly body: Buffer,
    private readonly opts: ReplayOptions,
  ) {}

  async start(): Promise<string> {
    const parts = splitEvents(this.body);
    const server = createServer((req, res) => {
      req.resume();
      const timers: NodeJS.Timeout[] = [];
      res.on('close', () => timers.forEach(clearTimeout));
      timers.push(
        setTimeout(() => {
          res.writeHead(200, { 'content-type': this.opts.contentType ?? 'text/event-stream' });
          res.flushHeaders();
          parts.forEach((p, i) => {
            timers.push(setTimeout(() => res.write(p), i * this.opts.gapMs));
          });
          timers.push(setTimeout(() => res.end(), parts.length * this.opts.gapMs));
        }, this.opts.ttfbMs),
      );
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
