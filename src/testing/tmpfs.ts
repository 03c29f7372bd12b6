// SPDX-License-Identifier: Apache-2.0
// Disk-fault tests: a small real tmpfs mount that can be filled up (ENOSPC) and remounted
// read-only (EROFS; as root, chmod does not stop writes, a read-only mount does). Mounting needs
// root: outside CI a failure skips the suite loudly; under CI=true (run as root) it fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  readOnly(): void;
  readWrite(): void;
  /** Writes a filler file until the mount is full; returns its path (rm it to free the space). */
  fill(): string;
  unmount(): void;
}

export function mountTmpfs(ctx: Mocha.Context, sizeKiB: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'dw-tmpfs-'));
  const mount = (...args: string[]) => execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    mount('-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0777`, 'tmpfs', dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const reason = `cannot mount a tmpfs (needs root): ${String((err as Error).message).split('\n')[0]}`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
    process.stderr.write(`\n  !!! SKIPPING "${ctx.test?.parent?.title ?? 'disk faults'}": ${reason}\n\n`);
    ctx.skip();
  }
  let fillers = 0;
  return {
    dir,
    readOnly: () => mount('-o', 'remount,ro', dir),
    readWrite: () => mount('-o', 'remount,rw', dir),
    fill() {
      const path = join(dir, `filler-${fillers++}`);
      try {
        writeFileSync(path, Buffer.alloc(sizeKiB * 1024 * 2));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      return path;
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
