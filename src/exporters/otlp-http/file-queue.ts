// SPDX-License-Identifier: Apache-2.0
// Persistent (file) queue for traces and logs: one file per request in the component's data
// directory, written to a temp name, fsync'd, then renamed, so a crash leaves either the whole
// entry or an ignored temp file. Each entry carries a header with length and CRC-32: a torn or
// corrupt entry is detected on start, moved aside and counted, never sent. Bounded in bytes.
// At-least-once: an entry is deleted only after it was delivered (or refused for good).
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { QueueIoError } from '../../component/errors.js';
import type { Signal } from './endpoint.js';
import { removeFile } from '../../util/remove-file.js';

const MAGIC = 0x44575131; // "DWQ1"
const HEADER = 24;
const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];

export interface FileEntry {
  name: string;
  signal: Signal;
  json: boolean;
  items: number;
  bytes: number;
}

export function encodeEntry(signal: Signal, json: boolean, items: number, payload: Uint8Array): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32BE(MAGIC, 0);
  h.writeUInt8(SIGNALS.indexOf(signal), 4);
  h.writeUInt8(json ? 1 : 0, 5);
  h.writeUInt32BE(items, 8);
  h.writeUInt32BE(payload.byteLength, 12);
  h.writeUInt32BE(crc32(payload), 16);
  return Buffer.concat([h, payload]);
}

/** Decodes and checks an entry; undefined when torn or corrupt. */
export function decodeEntry(
  buf: Buffer,
): { signal: Signal; json: boolean; items: number; payload: Buffer } | undefined {
  if (buf.length < HEADER || buf.readUInt32BE(0) !== MAGIC) return undefined;
  const signal = SIGNALS[buf.readUInt8(4)];
  const len = buf.readUInt32BE(12);
  if (!signal || buf.length !== HEADER + len) return undefined;
  const payload = buf.subarray(HEADER);
  if (crc32(payload) !== buf.readUInt32BE(16)) return undefined;
  return { signal, json: buf.readUInt8(5) === 1, items: buf.readUInt32BE(8), payload };
}

function ioError(op: QueueIoError['op'], path: string, err: unknown): QueueIoError {
  return new QueueIoError(op, path, (err as NodeJS.ErrnoException)?.code ?? 'EIO', err);
}

/** mkdir -p that reports the real cause: a recursive mkdir on a read-only file system says ENOENT. */
function makeDirs(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const parent = dirname(dir);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
    if (!existsSync(parent)) makeDirs(parent);
    mkdirSync(dir);
  }
}

export class FileQueue {
  private readonly ready: FileEntry[] = [];
  private bytes = 0;
  private seq = 0;

  constructor(
    private readonly dir: string,
    readonly maxBytes: number,
    /** Entries waiting at most (sending_queue.queue_size), so the size gauge never reads above it. */
    readonly maxEntries = Infinity,
  ) {}

  get size(): number {
    return this.ready.length;
  }
  get usedBytes(): number {
    return this.bytes;
  }

  /** Loads what a previous run left; returns how many entries were corrupt (moved to corrupt/). */
  open(): { recovered: number; corrupt: number; corruptItems: number } {
    try {
      return this.load();
    } catch (err) {
      // A data directory that is read-only, full or not ours at start: a clear startup error.
      throw err instanceof QueueIoError ? err : ioError('open', this.dir, err);
    }
  }

  private load(): { recovered: number; corrupt: number; corruptItems: number } {
    makeDirs(this.dir);
    let corrupt = 0;
    let recovered = 0;
    const names = readdirSync(this.dir).sort();
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.startsWith('tmp-')) {
        removeFile(path);
        continue;
      }
      if (!name.endsWith('.otlp')) continue;
      const n = Number(name.slice(0, -5));
      if (Number.isFinite(n)) this.seq = Math.max(this.seq, n);
      const e = decodeEntry(readFileSync(path));
      if (!e) {
        mkdirSync(join(this.dir, 'corrupt'), { recursive: true });
        renameSync(path, join(this.dir, 'corrupt', name));
        corrupt++;
        continue;
      }
      const bytes = statSync(path).size;
      this.ready.push({ name, signal: e.signal, json: e.json, items: e.items, bytes });
      this.bytes += bytes;
      recovered++;
    }
    return { recovered, corrupt, corruptItems: 0 };
  }

  /** Persists one request; false when it would exceed the byte or entry bound (refused to the caller). */
  /** Throws QueueIoError when the disk refuses (full, read-only): nothing is queued then. */
  put(signal: Signal, json: boolean, items: number, payload: Uint8Array): boolean {
    const buf = encodeEntry(signal, json, items, payload);
    if (this.bytes + buf.length > this.maxBytes || this.ready.length >= this.maxEntries) return false;
    const name = `${String(++this.seq).padStart(16, '0')}.otlp`;
    const tmp = join(this.dir, `tmp-${name}`);
    try {
      const fd = openSync(tmp, 'w');
      try {
        // writeSync may write less than asked (a full disk): loop until all or an error
        for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(this.dir, name));
    } catch (err) {
      // A half-written temp file would hold the space a full disk needs back.
      try {
        removeFile(tmp);
      } catch {
        // read-only: nothing was created
      }
      throw ioError('write', tmp, err);
    }
    this.ready.push({ name, signal, json, items, bytes: buf.length });
    this.bytes += buf.length;
    return true;
  }

  /** Takes the oldest entry for sending (it stays on disk until done()). */
  take(): FileEntry | undefined {
    return this.ready.shift();
  }

  read(e: FileEntry): Buffer | undefined {
    try {
      return decodeEntry(readFileSync(join(this.dir, e.name)))?.payload;
    } catch {
      return undefined;
    }
  }

  /**
   * The entry was delivered or refused for good: delete it. When the file cannot be deleted
   * (read-only disk) it is forgotten in memory but stays on disk, so the next run sends it
   * again (at-least-once); the error is thrown for the caller to log and count.
   */
  done(e: FileEntry): void {
    this.bytes -= e.bytes;
    const path = join(this.dir, e.name);
    try {
      removeFile(path);
    } catch (err) {
      throw ioError('delete', path, err);
    }
  }

  /** The entry could not be sent now (shutdown): keep it for the next run or the next turn. */
  putBack(e: FileEntry): void {
    this.ready.unshift(e);
  }
}
