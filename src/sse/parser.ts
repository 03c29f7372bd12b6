// SPDX-License-Identifier: Apache-2.0
// Incremental text/event-stream parser following the HTML Living Standard "event stream
// interpretation": UTF-8 with an optional BOM, lines end in CRLF, LF or CR (a CR at the end of
// one read may pair with an LF at the start of the next), `:` starts a comment, `field: value`
// loses one leading space, `data` lines join with "\n", a blank line dispatches. Real providers
// are a little looser than the standard: leading whitespace before a field name is tolerated.
// Memory is bounded: a line longer than `maxLineBytes` is dropped and counted, never buffered.
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** `event:` field; `message` when absent. */
  event: string;
  data: string;
  id?: string;
}

export interface SseParserStats {
  events: number;
  comments: number;
  /** Lines whose field name is not one of data/event/id/retry (garbage in the stream). */
  unknownLines: number;
  /** Lines dropped for exceeding the line limit. */
  oversizedLines: number;
  /** Bytes fed so far. */
  bytes: number;
}

export interface SseParserOptions {
  maxLineBytes?: number;
  onEvent: (e: SseEvent) => void;
  onComment?: (text: string) => void;
}

const KNOWN_FIELDS = new Set(['data', 'event', 'id', 'retry']);

export class SseParser {
  readonly stats: SseParserStats = { events: 0, comments: 0, unknownLines: 0, oversizedLines: 0, bytes: 0 };
  // StringDecoder, not TextDecoder: the same UTF-8 decoding (a code point cut between reads is
  // held, bad bytes become U+FFFD) at a third of the cost per read (measured, Node 20)
  private readonly decoder = new StringDecoder('utf8');
  private atStart = true;
  private readonly maxLine: number;
  private buf = '';
  private skippingLongLine = false;
  private pendingCR = false;
  private data: string[] = [];
  private eventName = '';
  private lastId: string | undefined;

  constructor(private readonly opts: SseParserOptions) {
    this.maxLine = opts.maxLineBytes ?? 1024 * 1024;
  }

  /** Feed one read of raw bytes (or already-decoded text). */
  push(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string') {
      this.stats.bytes += Buffer.byteLength(chunk);
      this.text(chunk);
    } else {
      this.stats.bytes += chunk.byteLength;
      this.text(this.decoded(this.decoder.write(chunk)));
    }
  }

  /** End of stream: a trailing unterminated line is processed; an undispatched event is discarded (per spec). */
  end(): void {
    this.text(this.decoded(this.decoder.end()));
    if (this.buf.length > 0 && !this.skippingLongLine) {
      // counted (comment, garbage) but never dispatching: a whitespace-only tail must not
      // complete the pending event (found by the property test)
      this.data = [];
      this.line(this.buf);
    }
    this.buf = '';
    this.data = [];
    this.eventName = '';
  }

  /** Decoded text, less the byte order mark that may open the stream (as UTF-8 decode drops it). */
  private decoded(t: string): string {
    if (!this.atStart || t.length === 0) return t;
    this.atStart = false;
    return t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
  }

  private text(s: string): void {
    let start = 0;
    if (this.pendingCR && s.length > 0) {
      this.pendingCR = false;
      if (s.charCodeAt(0) === 10) start = 1;
    }
    // from line end to line end with indexOf, not a char loop over every byte: a judged proxied
    // stream is parsed in full (the bench's six-event stream: 4.6 → 2.3 µs)
    let cr = s.indexOf('\r', start);
    let lf = s.indexOf('\n', start);
    while (cr !== -1 || lf !== -1) {
      const i = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      this.endLine(s.slice(start, i));
      start = i + 1;
      if (i === cr) {
        if (start < s.length) {
          if (s.charCodeAt(start) === 10) start++;
        } else this.pendingCR = true;
      }
      if (cr !== -1 && cr < start) cr = s.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = s.indexOf('\n', start);
    }
    if (start < s.length) this.appendPartial(s.slice(start));
  }

  private appendPartial(part: string): void {
    if (this.skippingLongLine) return;
    this.buf += part;
    if (this.buf.length > this.maxLine) {
      this.buf = '';
      this.skippingLongLine = true;
      this.stats.oversizedLines++;
    }
  }

  private endLine(tail: string): void {
    if (this.skippingLongLine) {
      this.skippingLongLine = false;
      this.buf = '';
      return;
    }
    const line = this.buf.length > 0 ? this.buf + tail : tail;
    this.buf = '';
    if (line.length > this.maxLine) {
      this.stats.oversizedLines++;
      return;
    }
    this.line(line);
  }

  private line(raw: string): void {
    if (raw.length === 0) return this.dispatch();
    const line = raw.charCodeAt(0) === 32 || raw.charCodeAt(0) === 9 ? raw.trimStart() : raw;
    if (line.length === 0) return this.dispatch();
    if (line.charCodeAt(0) === 58) {
      this.stats.comments++;
      this.opts.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        break;
      default:
        if (!KNOWN_FIELDS.has(field)) this.stats.unknownLines++;
    }
  }

  private dispatch(): void {
    if (this.data.length === 0) {
      this.eventName = '';
      return;
    }
    const e: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n'), id: this.lastId };
    this.data = [];
    this.eventName = '';
    this.stats.events++;
    this.opts.onEvent(e);
  }
}
