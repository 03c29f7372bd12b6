// SPDX-License-Identifier: Apache-2.0
// Checkpoints: file fingerprint (length + hash of the first bytes) → acknowledged offset,
// written atomically (tmp + rename) in the component's data directory.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

  save(list: readonly Checkpoint[]): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, files: list }));
    renameSync(tmp, this.file);
  }
}
