// SPDX-License-Identifier: Apache-2.0
// The rest of a known stream inside a gzip file. logrotate's `compress` (without
// `delaycompress`) compresses a rotated file at once: when the agent was down then, the lines it
// had not read yet exist only in `access.log.1.gz`. A `.gz` in the globs is read only when its
// decompressed first bytes are those of a known stream (a checkpoint, or a file that was
// rotated away), and only from that stream's offset on: old archives are never read again.
// Decompression streams (bounded memory); records wait for a free slot like the tailer's.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DeliveryLedger } from './ledger.js';
import type { FileSet } from './file-set.js';
import { LineSplitter } from './line-splitter.js';
import type { LineRecords } from './line-records.js';
import { READ_CHUNK_BYTES } from './read-chunk.js';
import type { Cursor } from './tailer.js';

const MAX_AT_ONCE = 2;

export class ArchiveReader {
  /** Archives looked at (by dev:ino and size), with the known-set version they were checked against. */
  private readonly seen = new Map<string, number>();
  private readonly reading = new Set<Promise<void>>();
  private stopped = false;
  private wakeStop!: () => void;
  /** Resolves on stop(): a reader waiting for a free slot must not hold up a shutdown. */
  private readonly stopping = new Promise<void>((r) => (this.wakeStop = r));

  constructor(
    private readonly fileSet: FileSet,
    private readonly ledger: DeliveryLedger,
    private readonly records: LineRecords,
    private readonly opts: { fingerprintSize: number; maxLine: number },
    private readonly failed: (path: string, err: NodeJS.ErrnoException) => void,
  ) {}

  /** Called for every `.gz` path each scan; cheap when nothing changed. */
  consider(path: string, key: string, size: number): void {
    // A few at a time: a directory of old archives is looked at over several scans, not at once.
    if (this.stopped || this.reading.size >= MAX_AT_ONCE) return;
    const id = `${key}:${size}`;
    const version = this.fileSet.version;
    if (this.seen.get(id) === version || this.seen.get(id) === -1) return;
    this.seen.set(id, -1); // under way (or done): not again
    const p = this.read(path).then(
      (claimed) => {
        if (!claimed) this.seen.set(id, version); // not a known stream (yet): look again if that changes
      },
      (err: unknown) => {
        this.seen.set(id, version);
        this.failed(path, err as NodeJS.ErrnoException);
      },
    );
    this.reading.add(p);
    void p.finally(() => this.reading.delete(p));
  }

  /** Stops reading; resolves once the readers let go of their files. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeStop();
    await Promise.allSettled([...this.reading]);
  }

  /** False when the archive holds no known stream. */
  private async read(path: string): Promise<boolean> {
    const gunzip = createGunzip();
    const source = createReadStream(path);
    source.on('error', (err) => gunzip.destroy(err));
    source.pipe(gunzip);
    let head = Buffer.alloc(0);
    let feed: Feed | undefined;
    let at = 0; // decompressed offset of the next piece
    try {
      for await (const piece of gunzip as AsyncIterable<Buffer>) {
        if (this.stopped) return true;
        if (!feed) {
          head = Buffer.concat([head, piece]);
          if (head.length < this.opts.fingerprintSize) continue;
          const c = this.claim(head, path);
          if (!c) return false;
          feed = { cursor: c, fed: c.read, lines: new LineSplitter(this.opts.maxLine) };
          await this.consume(feed, head, 0);
          at = head.length;
          continue;
        }
        await this.consume(feed, piece, at);
        at += piece.length;
      }
      if (!feed) {
        // shorter than a fingerprint
        const c = this.claim(head, path);
        if (!c) return false;
        feed = { cursor: c, fed: c.read, lines: new LineSplitter(this.opts.maxLine) };
        await this.consume(feed, head, 0);
      }
      if (this.stopped) return true;
      const last = feed.lines.takePartial();
      if (last.length > 0) {
        this.records.line(last, false);
        feed.cursor.read = feed.fed;
        this.ledger.mark(feed.cursor, feed.fed);
      }
      this.ledger.send(true);
      return true;
    } finally {
      source.destroy();
      gunzip.destroy();
      if (feed) this.fileSet.release(feed.cursor);
    }
  }

  /** A known stream this archive continues, unless it holds nothing past that stream's offset. */
  private claim(head: Buffer, path: string): Cursor | undefined {
    const c = this.fileSet.claimByHead(head);
    if (!c) return undefined;
    // gzip's trailer holds the decompressed size (mod 2^32): nothing new, no need to inflate it all
    if (trailerSize(path) === c.read % 2 ** 32) {
      this.fileSet.release(c);
      return undefined;
    }
    return c;
  }

  /** Feeds what of `chunk` (at decompressed offset `at`) was not fed yet; waits for free slots. */
  private async consume(f: Feed, chunk: Buffer, at: number): Promise<void> {
    let off = Math.max(0, f.fed - at);
    while (off < chunk.length && !this.stopped) {
      const text = chunk.toString('latin1', off, Math.min(chunk.length, off + READ_CHUNK_BYTES));
      this.records.now = Date.now();
      const used = f.lines.push(text, this.records);
      off += used;
      f.fed = at + off;
      const end = f.fed - f.lines.pending;
      if (end > f.cursor.read) {
        f.cursor.read = end;
        this.ledger.mark(f.cursor, end);
      }
      while (this.ledger.full() && !this.ledger.send(false) && !this.stopped)
        await Promise.race([this.ledger.slotFree(), this.stopping]);
    }
  }
}

interface Feed {
  cursor: Cursor;
  /** Decompressed offset up to which bytes went into the splitter. */
  fed: number;
  lines: LineSplitter;
}

/** The decompressed size a gzip file's trailer states (mod 2^32), when it can be read. */
function trailerSize(path: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const b = Buffer.alloc(4);
    if (size < 18 || readSync(fd, b, 0, 4, size - 4) !== 4) return undefined;
    return b.readUInt32LE(0);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
