// SPDX-License-Identifier: Apache-2.0
// Checkpoints: file fingerprint (length + hash of the first bytes) → acknowledged offset, in the
// component's data directory. The file is padded with spaces (JSON ignores trailing whitespace)
// to a whole number of 4 KiB blocks. While the document fits, a save rewrites the open file in
// place with one pwrite over blocks that are already allocated, so it needs no new disk space and
// cannot be cut short by a full disk; a crash cannot tear one small pwrite either. When the
// document outgrows the file, the save writes a bigger temp file and renames it over the old one:
// on a full or read-only disk that fails as a whole and the previous checkpoints stay intact.
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface Checkpoint {
  path: string;
  fpLen: number;
  fpHash: string;
  offset: number;
}

export const MAX_RETIRED = 1000;
const BLOCK = 4096;

export interface LoadedCheckpoints {
  list: Checkpoint[];
  /** The file existed but did not parse (torn or damaged); it was moved to `<file>.corrupt`. */
  corrupt?: { movedTo?: string };
}

export class CheckpointStore {
  readonly file: string;
  private fd?: number;
  /** Bytes the open file holds (a multiple of BLOCK): saves up to this size stay in place. */
  private capacity = 0;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'access-log-checkpoints.json');
  }

  load(): LoadedCheckpoints {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { list: [] };
    }
    try {
      const doc = JSON.parse(text) as { version?: number; files?: Checkpoint[] };
      if (doc.version !== 1 || !Array.isArray(doc.files)) throw new Error('not a checkpoint document');
      const list = doc.files.filter(
        (c) =>
          typeof c.fpHash === 'string' &&
          Number.isInteger(c.fpLen) &&
          Number.isInteger(c.offset) &&
          c.offset >= 0 &&
          typeof c.path === 'string',
      );
      return { list };
    } catch {
      // Kept for a post-mortem; the next save writes a fresh file.
      const movedTo = `${this.file}.corrupt`;
      try {
        renameSync(this.file, movedTo);
        return { list: [], corrupt: { movedTo } };
      } catch {
        return { list: [], corrupt: {} };
      }
    }
  }

  /** Throws the I/O error (ENOSPC, EROFS…) when it could not save; the old file is then intact. */
  save(list: readonly Checkpoint[]): void {
    const doc = Buffer.from(JSON.stringify({ version: 1, files: list }));
    if (this.fd === undefined || doc.length > this.capacity) {
      this.replace(doc);
      return;
    }
    const body = Buffer.alloc(this.capacity, 0x20);
    doc.copy(body);
    const n = writeSync(this.fd, body, 0, body.length, 0);
    if (n !== body.length) {
      // Cannot happen over allocated blocks on ext4/xfs/tmpfs; on copy-on-write file systems it
      // might: never trust this file in place again, the next save replaces it whole.
      this.close();
      throw Object.assign(new Error(`short write to ${this.file} (${n} of ${body.length} bytes)`), {
        code: 'ESHORTWRITE',
      });
    }
  }

  /** Writes a temp file with room to grow, then renames it over the checkpoint file. */
  private replace(doc: Buffer): void {
    const capacity = Math.ceil((doc.length + doc.length / 2 + 1) / BLOCK) * BLOCK;
    const body = Buffer.alloc(capacity, 0x20);
    doc.copy(body);
    const tmp = `${this.file}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, body);
      renameSync(tmp, this.file);
    } catch (err) {
      // A half-written temp file would hold disk space that a full disk needs back.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // read-only: nothing was written either
      }
      throw err;
    }
    this.close();
    this.fd = openSync(this.file, 'r+');
    this.capacity = capacity;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.capacity = 0;
  }
}
