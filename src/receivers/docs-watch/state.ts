// SPDX-License-Identifier: Apache-2.0
// Last known hash and validators per URL, kept in the data directory so a restart neither
// re-announces a change nor downloads an unchanged page in full.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PageState {
  hash: string;
  etag?: string;
  lastModified?: string;
  checkedAt: number;
  changedAt: number;
}

interface StateFile {
  version: 1;
  pages: Record<string, PageState>;
}

export class DocsStateStore {
  private pages = new Map<string, PageState>();

  constructor(private readonly file: string) {}

  /** Loads the file; a missing or unreadable file starts empty (returns a reason for the log). */
  load(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? undefined : `cannot read ${this.file} (${code ?? 'error'})`;
    }
    try {
      const parsed = JSON.parse(text) as StateFile;
      if (parsed?.version !== 1 || typeof parsed.pages !== 'object' || parsed.pages === null)
        return `ignoring ${this.file}: unknown format`;
      for (const [url, p] of Object.entries(parsed.pages)) {
        if (p && typeof p.hash === 'string') this.pages.set(url, p);
      }
      return undefined;
    } catch {
      return `ignoring ${this.file}: not valid JSON`;
    }
  }

  get(url: string): PageState | undefined {
    return this.pages.get(url);
  }

  set(url: string, state: PageState): void {
    this.pages.set(url, state);
  }

  /** Atomic write (temp file + rename) so a crash never leaves half a file. */
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const body: StateFile = { version: 1, pages: Object.fromEntries(this.pages) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: 0o640 });
    renameSync(tmp, this.file);
  }
}
