// SPDX-License-Identifier: Apache-2.0
// Minimal globs for include/exclude: wildcards (`*`, `?`, `[..]`) in the file-name part only;
// the directory part is literal. Enough for log files; keeps the scan to one readdir per directory.
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class FileMatcher {
  private readonly includes: Array<{ dir: string; name: RegExp }>;
  private readonly excludes: Array<{ full: boolean; re: RegExp }>;

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.includes = include.map((g) => {
      const abs = resolve(g);
      return { dir: dirname(abs), name: globToRegExp(basename(abs)) };
    });
    this.excludes = exclude.map((g) => ({
      full: g.includes('/'),
      re: globToRegExp(g.includes('/') ? resolve(g) : g),
    }));
  }

  /** Directories to watch (fs.watch hints). */
  directories(): string[] {
    return [...new Set(this.includes.map((i) => i.dir))];
  }

  /** Current matching paths; unreadable directories are reported, not thrown. */
  scan(onError: (dir: string, err: NodeJS.ErrnoException) => void): string[] {
    const out = new Set<string>();
    const byDir = new Map<string, RegExp[]>();
    for (const i of this.includes) byDir.set(i.dir, [...(byDir.get(i.dir) ?? []), i.name]);
    for (const [dir, names] of byDir) {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch (err) {
        onError(dir, err as NodeJS.ErrnoException);
        continue;
      }
      for (const e of entries) {
        if (!names.some((n) => n.test(e))) continue;
        const full = join(dir, e);
        if (this.excludes.some((x) => x.re.test(x.full ? full : e))) continue;
        out.add(full);
      }
    }
    return [...out].sort();
  }
}
