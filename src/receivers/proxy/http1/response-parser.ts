// SPDX-License-Identifier: Apache-2.0
// An HTTP/1.1 response parser for the proxy's upstream connections (RFC 9112): the status line and
// header fields, then the body framed by Transfer-Encoding: chunked, Content-Length or the close of
// the connection. The body's bytes are handed on as slices of what the socket read, de-chunked.
// Strict where leniency would let a response be read two ways (both framings, conflicting
// lengths, folded lines, a bad chunk size): such a response is an error, and the client gets a
// 502, as undici's llhttp does it.

export type ResponseHeaders = Record<string, string | string[]>;

export interface ResponseEvents {
  head(status: number, headers: ResponseHeaders): void;
  data(chunk: Buffer): void;
  /** The message is complete; `reusable`: the connection may carry another exchange. */
  end(reusable: boolean): void;
}

/** A response that cannot be read one way only; `code` in llhttp's words. */
export class ResponseParseError extends Error {
  constructor(
    readonly code: 'HPE_INVALID_RESPONSE' | 'HPE_HEADER_OVERFLOW',
    message: string,
  ) {
    super(message);
    this.name = 'ResponseParseError';
  }
}

const MAX_CHUNK_LINE = 4096;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DIGITS = /^\d{1,15}$/;

const enum State {
  Head,
  Length,
  Close,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  Done,
}

function invalid(message: string): ResponseParseError {
  return new ResponseParseError('HPE_INVALID_RESPONSE', message);
}

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | undefined; // an unfinished head, chunk-size line or trailer section
  private left = 0;
  private keepAlive = true;

  /**
   * `noBody`: the request was HEAD, so no answer has a body. `maxHeadBytes`: the longest status
   * line plus header section accepted (Node's and undici's default is 16 KiB).
   */
  constructor(
    private readonly events: ResponseEvents,
    private readonly noBody: boolean,
    private readonly maxHeadBytes = 16 * 1024,
  ) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Reads `buf`; throws ResponseParseError. Bytes after the end of the message make it unreusable. */
  feed(buf: Buffer): void {
    let off = 0;
    if (this.pending) {
      buf = Buffer.concat([this.pending, buf]);
      this.pending = undefined;
    }
    while (off < buf.length) {
      switch (this.state) {
        case State.Head:
          off = this.readHead(buf, off);
          if (off < 0) return;
          break;
        case State.Length:
          off = this.readBody(buf, off);
          if (this.left === 0) this.finish(off < buf.length);
          break;
        case State.Close:
          this.events.data(off === 0 ? buf : buf.subarray(off));
          return;
        case State.ChunkSize:
        case State.Trailers:
          off = this.readLine(buf, off);
          if (off < 0) return;
          break;
        case State.ChunkData:
          off = this.readBody(buf, off);
          if (this.left === 0) {
            this.state = State.ChunkEnd;
            this.left = 2;
          }
          break;
        case State.ChunkEnd:
          // the CRLF after a chunk's data
          if (buf[off] !== (this.left === 2 ? 13 : 10)) throw invalid('chunk data not followed by CRLF');
          off++;
          if (--this.left === 0) this.state = State.ChunkSize;
          break;
        case State.Done:
          this.keepAlive = false; // more than the message: never reuse this connection
          return;
      }
    }
  }

  /** The connection closed: true when that ends the message (a close-delimited body). */
  closed(): boolean {
    if (this.state !== State.Close) return this.state === State.Done;
    this.state = State.Done;
    this.events.end(false);
    return true;
  }

  /** Up to `left` body bytes at `off`, handed on as one slice; returns the offset after them. */
  private readBody(buf: Buffer, off: number): number {
    const n = Math.min(this.left, buf.length - off);
    this.left -= n;
    this.events.data(buf.subarray(off, off + n));
    return off + n;
  }

  private finish(extraBytes: boolean): void {
    this.state = State.Done;
    this.events.end(this.keepAlive && !extraBytes);
  }

  /** Parses a whole head at `off`; returns where the body starts, or -1 when it needs more bytes. */
  private readHead(buf: Buffer, off: number): number {
    const end = buf.indexOf(HEAD_END, off);
    if (end < 0) {
      if (buf.length - off > this.maxHeadBytes)
        throw new ResponseParseError('HPE_HEADER_OVERFLOW', 'response header section too large');
      this.pending = off === 0 ? buf : buf.subarray(off);
      return -1;
    }
    if (end - off > this.maxHeadBytes)
      throw new ResponseParseError('HPE_HEADER_OVERFLOW', 'response header section too large');
    const lines = buf.toString('latin1', off, end).split('\r\n');
    const m = STATUS_LINE.exec(lines[0]);
    if (!m) throw invalid('not an HTTP/1.x status line');
    const status = Number(m[2]);
    const headers: ResponseHeaders = {};
    let length: string | undefined;
    let chunked = false;
    let encoded = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      // obs-fold, a missing name or a space before the colon: a response read two ways
      if (!TOKEN.test(name)) throw invalid('malformed header field');
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).trim();
      const had = headers[key];
      if (had === undefined) headers[key] = value;
      else if (typeof had === 'string') headers[key] = [had, value];
      else had.push(value);
      if (key === 'content-length') {
        for (const v of value.split(',')) {
          const t = v.trim();
          if (!DIGITS.test(t) || (length !== undefined && length !== t))
            throw invalid('invalid or conflicting Content-Length');
          length = t;
        }
      } else if (key === 'transfer-encoding') {
        encoded = true;
        const codings = value.toLowerCase().split(',');
        chunked = codings[codings.length - 1].trim() === 'chunked';
      } else if (key === 'connection') connection += `,${value.toLowerCase()}`;
    }
    const next = end + 4;
    if (status >= 100 && status < 200) {
      // an interim answer (100 Continue, 103 Early Hints): skipped, the final one follows
      if (status === 101) throw invalid('unexpected protocol switch');
      return next;
    }
    if (m[1] === '0' ? !/\bkeep-alive\b/.test(connection) : /\bclose\b/.test(connection))
      this.keepAlive = false;
    if (encoded && length !== undefined) throw invalid('both Transfer-Encoding and Content-Length');
    this.events.head(status, headers);
    if (this.noBody || status === 204 || status === 304) {
      this.finish(next < buf.length);
      return buf.length;
    }
    if (encoded && chunked) this.state = State.ChunkSize;
    else if (length !== undefined) {
      this.left = Number(length);
      if (this.left === 0) {
        this.finish(next < buf.length);
        return buf.length;
      }
      this.state = State.Length;
    } else {
      this.keepAlive = false;
      this.state = State.Close;
    }
    return next;
  }

  /** A chunk-size line or a trailer line at `off`; returns the offset after it, or -1 for more. */
  private readLine(buf: Buffer, off: number): number {
    const nl = buf.indexOf(10, off);
    if (nl < 0) {
      if (buf.length - off > MAX_CHUNK_LINE) throw invalid('chunk line too long');
      this.pending = off === 0 ? buf : buf.subarray(off);
      return -1;
    }
    if (nl - off > MAX_CHUNK_LINE) throw invalid('chunk line too long');
    if (nl === off || buf[nl - 1] !== 13) throw invalid('chunk line not ended by CRLF');
    const line = buf.toString('latin1', off, nl - 1);
    if (this.state === State.Trailers) {
      // trailer fields are not forwarded (the client's answer has its own framing); an empty line ends them
      if (line === '') this.finish(nl + 1 < buf.length);
      return nl + 1;
    }
    const semi = line.indexOf(';');
    const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
    if (!/^[0-9A-Fa-f]{1,12}$/.test(hex)) throw invalid('invalid chunk size');
    const size = parseInt(hex, 16);
    if (size === 0) this.state = State.Trailers;
    else {
      this.left = size;
      this.state = State.ChunkData;
    }
    return nl + 1;
  }
}
