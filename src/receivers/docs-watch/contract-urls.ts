// SPDX-License-Identifier: Apache-2.0
// Reads the documentation URL a contract file names: `documentation.url` or
// `documentation_url`. A contract without one, or one that cannot be read, is reported and
// skipped: the docs watch is an aid, never a reason not to start.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export interface WatchedUrl {
  url: string;
  /** Contract file it came from, when it came from one. */
  contract?: string;
  provider?: string;
}

export function urlsFromContracts(
  paths: readonly string[],
  cwd = process.cwd(),
): { urls: WatchedUrl[]; problems: string[] } {
  const urls: WatchedUrl[] = [];
  const problems: string[] = [];
  for (const p of paths) {
    const file = resolve(cwd, p);
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(
        `${p}: ${code === 'ENOENT' ? 'contract file not found' : 'contract file cannot be read or parsed'}`,
      );
      continue;
    }
    if (typeof doc !== 'object' || doc === null) continue;
    const d = doc as Record<string, unknown>;
    const nested = d.documentation;
    const url =
      typeof nested === 'object' &&
      nested !== null &&
      typeof (nested as Record<string, unknown>).url === 'string'
        ? ((nested as Record<string, unknown>).url as string)
        : typeof d.documentation_url === 'string'
          ? d.documentation_url
          : undefined;
    if (url === undefined) continue;
    if (!/^https?:\/\/\S+$/.test(url)) {
      problems.push(`${p}: documentation url is not an http(s) URL`);
      continue;
    }
    urls.push({ url, contract: p, provider: typeof d.provider === 'string' ? d.provider : undefined });
  }
  return { urls, problems };
}
