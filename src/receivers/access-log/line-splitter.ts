// SPDX-License-Identifier: Apache-2.0
// Cuts decoded chunks into lines, for the tailer and for `replay` alike. Chunks are decoded as
// latin1 (one char per byte), so string indexes are byte counts and callers keep file offsets
// exact. Pure: no I/O; the only state is the head of a line whose newline has not arrived yet.

export interface LineSink {
  /**
   * One complete line without its newline (a trailing CR removed). `cut`: the line was longer
   * than the limit and only its head is given. Return true to stop splitting after this line.
   */
  line(text: string, cut: boolean): boolean;
}

export class LineSplitter {
  private partial = '';
  /** Skipping the rest of an over-long line (its head was already given) until its newline. */
  private skipping = false;

  constructor(private readonly maxLine: number) {}

  /** Chars held as the start of an unfinished line: the caller's offset minus this is a line end. */
  get pending(): number {
    return this.partial.length;
  }

  /**
   * Feeds one chunk. Returns how many of its chars were consumed: all of them, or up to the end
   * of the line after which the sink asked to stop (the caller feeds the rest again later).
   */
  push(chunk: string, sink: LineSink): number {
    const held = this.partial.length;
    if (held > 0) {
      const nl = chunk.indexOf('\n');
      if (nl >= 0 && nl < chunk.length - 1) {
        // The held head ends early in this chunk: that one line is joined on its own, and the
        // rest is split where it lies. Joining the head to the whole chunk made V8 copy the
        // 64 KiB chunk again for every chunk read (nearly every chunk ends mid-line).
        const headLen = nl + 1;
        this.stopped = false;
        this.scan(this.partial + chunk.slice(0, headLen), held, sink);
        if (this.stopped) return headLen;
        return headLen + this.scan(chunk.slice(headLen), 0, sink);
      }
    }
    return this.scan(held > 0 ? this.partial + chunk : chunk, held, sink);
  }

  /** The sink asked to stop at the last line given. */
  private stopped = false;

  /** Splits `text`, whose first `held` chars are the held head; returns the chars of the chunk used. */
  private scan(text: string, held: number, sink: LineSink): number {
    const max = this.maxLine;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      const next = nl + 1;
      if (this.skipping) this.skipping = false;
      else {
        let end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const cut = end - start > max;
        if (cut) end = start + max;
        this.stopped = sink.line(text.substring(start, end), cut);
        if (this.stopped && next < text.length) {
          // every newline lies past the held head, so `next - held` is inside this chunk
          this.partial = '';
          return next - held;
        }
      }
      start = next;
      nl = text.indexOf('\n', start);
    }
    const rest = text.length - start;
    if (this.skipping || rest === 0) this.partial = '';
    else if (rest > max) {
      // Over-long and its newline not here yet: give the head now, skip the rest (bounded memory).
      sink.line(text.substring(start, start + max), true);
      this.skipping = true;
      this.partial = '';
    } else this.partial = start === 0 ? text : text.substring(start);
    return text.length - held;
  }

  /** Gives up the held line (end of input, or a writer quiet too long): '' when none. */
  takePartial(): string {
    const p = this.partial;
    this.partial = '';
    return p.length > 0 && p.charCodeAt(p.length - 1) === 13 ? p.slice(0, -1) : p;
  }

  reset(): void {
    this.partial = '';
    this.skipping = false;
  }
}
