// SPDX-License-Identifier: Apache-2.0
// An interim `100 Continue` before the final answer is legal whether or not the request asked
// for it (RFC 9110 §15.2: a client must be able to parse one it did not expect). undici 7
// destroys the socket on any 100 ("bad response"), so the probe would report a connection
// reset for a server that answered correctly. This filter sits on the socket the connector
// hands to undici and drops 100 blocks at the start of each response; 102/103 and the final
// answer pass untouched (undici reads those itself).
import type { Socket } from 'node:net';

/** Bytes an interim block may take before we stop looking (a status line plus a few headers). */
const MAX_INTERIM = 8192;
const CONTINUE = Buffer.from('HTTP/1.1 100 ');

/**
 * Length of a leading `HTTP/1.x 100 …` block (up to and including its empty line), 0 when the
 * buffer does not start with one, or -1 when it may but more bytes are needed to tell.
 */
export function interimContinueLength(buf: Buffer): number {
  const head = Math.min(buf.length, 13); // "HTTP/1.1 100 " is 13 bytes
  for (let i = 0; i < head; i++) {
    if (i === 7) {
      if (buf[i] !== 0x30 && buf[i] !== 0x31) return 0; // HTTP/1.0 or HTTP/1.1
      continue;
    }
    // the reason phrase may be absent: "HTTP/1.1 100\r\n"
    if (i === 12 && (buf[i] === 0x0d || buf[i] === 0x0a)) break;
    if (buf[i] !== CONTINUE[i]) return 0;
  }
  if (buf.length < 13) return -1;
  // the block ends at the first empty line (CRLF CRLF, or bare LF LF from lax servers)
  for (let i = 12; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
    if (i + 2 >= buf.length) break;
  }
  return buf.length > MAX_INTERIM ? 0 : -1;
}

export interface InterimStats {
  /** 100 blocks dropped on this socket. */
  skipped: number;
}

/**
 * Drops interim 100 responses before undici's parser sees them. Armed at the start of the
 * connection and again when a new request is written after response bytes went through
 * (undici runs one request at a time per probe connection: pipelining 1).
 */
export function skipInterimContinue(socket: Socket, stats: InterimStats = { skipped: 0 }): InterimStats {
  const read = socket.read.bind(socket);
  const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
  let armed = true;
  let passed = false;
  let held: Buffer | undefined;
  socket.write = ((...args: unknown[]) => {
    if (passed) {
      armed = true;
      passed = false;
    }
    return write(...args);
  }) as Socket['write'];
  socket.read = ((size?: number) => {
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') {
      if (chunk !== null) passed = true;
      return chunk;
    }
    if (!armed) {
      passed = true;
      return chunk;
    }
    let buf = held ? Buffer.concat([held, chunk]) : chunk;
    held = undefined;
    for (;;) {
      const n = interimContinueLength(buf);
      if (n === -1) {
        held = buf; // wait for the rest of the block; the next 'readable' brings it
        return null;
      }
      if (n === 0) break;
      stats.skipped++;
      buf = buf.subarray(n);
      if (buf.length === 0) return null;
    }
    armed = false;
    passed = true;
    return buf;
  }) as Socket['read'];
  return stats;
}
