// SPDX-License-Identifier: Apache-2.0
// What an unparsed line may show in a log: its first characters, with secrets and free text
// removed. First the redact processor's own scrubber (bearer tokens, provider keys, e-mails),
// then what it does not cover because a log line has no structure to go by: short `sk-` keys,
// query strings, quoted values (a short JSON `"content":"…"` is a prompt too), HAProxy's
// captured header blocks `{…}`, an unclosed quote's tail and long tokens. Only what shows the
// line's shape stays: JSON keys, `"-"`, numbers and an HTTP request line.
import { Scrubber } from '../../util/scrubber.js';

const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const SHAPE_ONLY = /^"(?:-|[\d.]+|[A-Z]+ \/\S* HTTP\/[\d.]+)"$/;
/** Keys shorter than the scrubber's (which needs 12+ characters to avoid false positives in bodies). */
const SHORT_KEY = String.raw`(?<![A-Za-z0-9])(?:sk|rk|pk)-[A-Za-z0-9_-]{3,}`;

let scrubber: Scrubber | undefined;

export function redactedExcerpt(line: string, max = 80): string {
  scrubber ??= new Scrubber({ bearer: true, apiKeys: true, emails: true, extra: [SHORT_KEY], sensitive: [] });
  const head = scrubber.scrub(line.slice(0, 400).replace(/[^\x20-\x7e]/g, '.'), {});
  return head
    .replace(/\?[^\s"]*/g, '?…')
    .replace(QUOTED, (q: string, at: number, all: string) =>
      SHAPE_ONLY.test(q) || /^\s*:/.test(all.slice(at + q.length)) ? q : '"…"',
    )
    .replace(/"[^"]*$/, (tail: string, at: number, all: string) => (unclosed(all) ? '"…' : tail))
    .replace(/\{[^{}"]*\}/g, '{…}')
    .replace(/[A-Za-z0-9_\-+/=]{24,}/g, '…')
    .slice(0, max);
}

/** An odd number of quotes: the last one opens a value that the excerpt cut or the line lost. */
function unclosed(s: string): boolean {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 34 && s.charCodeAt(i - 1) !== 92) n++;
  return (n & 1) === 1;
}
