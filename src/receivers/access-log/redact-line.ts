// SPDX-License-Identifier: Apache-2.0
// What an unparsed line may show in a log: its first characters, with query strings, quoted
// values and long tokens removed (they may hold keys, user ids or prompts).
export function redactedExcerpt(line: string, max = 80): string {
  const head = line.slice(0, 400);
  return head
    .replace(/\?[^\s"]*/g, '?…')
    .replace(/"[^"]{24,}"/g, '"…"')
    .replace(/[A-Za-z0-9_\-+/=]{24,}/g, '…')
    .replace(/[^\x20-\x7e]/g, '.')
    .slice(0, max);
}
