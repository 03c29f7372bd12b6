// SPDX-License-Identifier: Apache-2.0
// One followed file: an open descriptor, identity by fingerprint (first bytes), and the cursor of
// the byte stream it holds. Reads are synchronous chunked preads: local files, bounded chunks.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LineSplitter } from './line-splitter.js';

export interface Fingerprint {
  len: number;
  hash: string;
  bytes: Buffer;
}

/**
 * One stream of bytes, known by its first bytes: a file, or what a file held before it was
 * truncated (copytruncate). `read`: handed to the pipeline; `committed`: acknowledged by every
 * exporter. A copy of a truncated file continues the same cursor, so batches still in flight
 * for the old content move the copy's checkpoint when they are acknowledged.
 */
export interface Cursor {
  path: string;
  fpLen: number;
  fpHash: string;
  read: number;
  committed: number;
}

export function fingerprintOf(fd: number, size: number, max: number): Fingerprint {
  const len = Math.min(size, max);
  const bytes = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, bytes, got, len - got, got);
    if (n <= 0) break;
    got += n;
  }
  const b = bytes.subarray(0, got);
  return { len: got, hash: hashBytes(b), bytes: b };
}

export function hashBytes(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 32);
}

/** Both start with the same bytes (the shorter fingerprint is a prefix of the longer). */
export function sameHead(a: Fingerprint, b: Fingerprint): boolean {
  const n = Math.min(a.len, b.len);
  if (n === 0) return false;
  return a.bytes.subarray(0, n).equals(b.bytes.subarray(0, n));
}

export class TrackedFile {
  cursor: Cursor;
  readonly lines: LineSplitter;
  /** When the held unfinished line started waiting (force_flush_period). */
  partialSince = 0;
  lastSize = 0;
  lastMtime = 0;
  lastGrowthAt: number;
  /** Still found at an included path (false once rotated away or deleted). */
  matched = true;

  constructor(
    public path: string,
    readonly fd: number,
    readonly dev: number,
    readonly ino: number,
    public fp: Fingerprint,
    maxLine: number,
    now: number,
  ) {
    this.cursor = { path, fpLen: fp.len, fpHash: fp.hash, read: 0, committed: 0 };
    this.lines = new LineSplitter(maxLine);
    this.lastGrowthAt = now;
  }

  static open(
    path: string,
    fpMax: number,
    maxLine: number,
    now: number,
  ): { file: TrackedFile; size: number } {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      const fp = fingerprintOf(fd, st.size, fpMax);
      return { file: new TrackedFile(path, fd, st.dev, st.ino, fp, maxLine, now), size: st.size };
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  key(): string {
    return `${this.dev}:${this.ino}`;
  }

  /** Offset just after the last complete line read (where a restart or a copy resumes). */
  lineEnd(): number {
    return this.cursor.read - this.lines.pending;
  }

  /** Content at the start of the file no longer matches: it was truncated (and maybe rewritten). */
  fingerprintChanged(size: number): boolean {
    if (this.fp.len === 0) return false;
    if (size < this.fp.len) return true;
    const head = Buffer.alloc(this.fp.len);
    const n = readSync(this.fd, head, 0, this.fp.len, 0);
    return n !== this.fp.len || !head.equals(this.fp.bytes);
  }

  /** Lengthen a short fingerprint as the file grows (stronger identity across restarts). */
  growFingerprint(size: number, fpMax: number): void {
    if (this.fp.len >= fpMax || size <= this.fp.len) return;
    this.fp = fingerprintOf(this.fd, size, fpMax);
    this.cursor.fpLen = this.fp.len;
    this.cursor.fpHash = this.fp.hash;
  }

  /** Truncated: the file now holds a new stream, read from its start. */
  restart(size: number, fpMax: number): void {
    this.fp = fingerprintOf(this.fd, size, fpMax);
    this.cursor = { path: this.path, fpLen: this.fp.len, fpHash: this.fp.hash, read: 0, committed: 0 };
    this.lines.reset();
  }

  /** Continue a known stream (a checkpoint, or the content of a file truncated after a copy). */
  adopt(known: Cursor, size: number): void {
    known.path = this.path;
    known.read = Math.min(known.read, size);
    known.committed = Math.min(known.committed, known.read);
    if (this.fp.len >= known.fpLen) {
      known.fpLen = this.fp.len;
      known.fpHash = this.fp.hash;
    }
    this.cursor = known;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
