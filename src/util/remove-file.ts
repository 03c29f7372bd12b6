// SPDX-License-Identifier: Apache-2.0
import { unlinkSync } from 'node:fs';

/**
 * Deletes one file; a file already gone is no error (what `rmSync(path, { force: true })` does).
 * Not `rmSync`: since Node 23 its native path throws errno-less errors (code '', "Unknown
 * error" for EROFS), and callers name the errno in their logs and counters.
 */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
