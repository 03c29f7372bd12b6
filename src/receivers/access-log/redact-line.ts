// SPDX-License-Identifier: Apache-2.0
// What an unparsed line may show in a log: its first characters, with query strings, quoted
// values and long tokens removed (they may hold keys, user ids or prompts).
// Quoted values are masked whatever their length (a short JSON `"content":"…"` is a prompt too);
// only what shows the line's shape stays: JSON keys, `"-"`, numbers and an HTTP request line.
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const SHAPE_ONLY = /^"(?:-|[\d.]+|[A-Z]+ \/\S* HTTP\/[\d.]+)"$/;

export function redactedExcerpt(line: string, max = 80): string {
  const head = line.slice(0, 400);
  return head
    .replace(/[^\x20-\x7e]/g, '.')
    .replace(/\?[^\s"]*/g, '?…')
    .replace(QUOTED, (q: string, at: number, all: string) =>
      SHAPE_ONLY.test(q) || /^\s*:/.test(all.slice(at + q.length)) ? q : '"…"',
    )
    .replace(/[A-Za-z0-9_\-+/=]{24,}/g, '…')
    .slice(0, max);
}
