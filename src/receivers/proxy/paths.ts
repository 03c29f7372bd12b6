// SPDX-License-Identifier: Apache-2.0
// Which request paths are judged: exact paths, or prefixes written with a trailing `*`. The
// matched entry is the record's route, so the route stays a template (bounded cardinality).

export function pathMatcher(entries: readonly string[]): (path: string) => string | undefined {
  const exact = new Set(entries.filter((e) => !e.endsWith('*')));
  const prefixes = entries.filter((e) => e.endsWith('*')).map((e) => ({ entry: e, prefix: e.slice(0, -1) }));
  return (path) => {
    if (exact.has(path)) return path;
    for (const p of prefixes) if (path.startsWith(p.prefix)) return p.entry;
    return undefined;
  };
}
