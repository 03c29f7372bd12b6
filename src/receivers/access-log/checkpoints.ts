// SPDX-License-Identifier: Apache-2.0
// Checkpoints: file fingerprint (length + hash of the first bytes) → acknowledged offset, in the
// component's data directory. The first save is atomic (tmp + rename); later saves rewrite the
// open file in place with one pwrite, padded with spaces to the longest content written so far
// so a shorter document never leaves stale bytes (JSON ignores trailing whitespace). A single
// small pwrite cannot be torn by a process crash, and it costs microseconds per acknowledgement.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Checkpoint {
  path: string;
  fpLen: number;
  fpHash: string;
  offset: number;
}

export const MAX_RETIRED = 1000;

export class CheckpointStore {
  readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'access-log-checkpoints.json');
  }

  load(): Checkpoint[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const doc = JSON.parse(text) as { version?: number; files?: Checkpoint[] };
      if (doc.version !== 1 || !Array.isArray(doc.files)) return [];
      return doc.files.filter(
        (c) =>
          typeof c.fpHash === 'string' &&
          Number.isInteger(c.fpLen) &&
          Number.isInteger(c.offset) &&
          c.offset >= 0 &&
          typeof c.path === 'string',
      );
    } catch {
      return [];
    }
  }

  private fd?: number;
  private written = 0;

  save(list: readonly Checkpoint[]): void {
    const text = JSON.stringify({ version: 1, files: list });
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, this.file);
      this.fd = openSync(this.file, 'r+');
      this.written = Buffer.byteLength(text);
      return;
    }
    const body = Buffer.from(text.padEnd(this.written, ' '));
    writeSync(this.fd, body, 0, body.length, 0);
    this.written = Math.max(this.written, body.length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
