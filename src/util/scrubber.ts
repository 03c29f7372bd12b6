// SPDX-License-Identifier: Apache-2.0
// Value patterns compiled once: bearer tokens, provider API keys, e-mail addresses, configured
// secrets and prompts (also base64-wrapped, as in a Basic auth header). Replaces matches with
// `[REDACTED:rule]` and counts them per rule. Every pattern also matches inside URL-encoded
// text (an access-log query string) and JSON-escaped text (a logged body), and every pattern
// runs in linear time (no match attempt restarts inside a run it already scanned).
// In util because the redact processor and the access_log receiver's log excerpts both use it.
import { base64Forms, urlForm } from './export-guard.js';

/**
 * Where a token may start: the start of the text, a character that cannot be part of a word,
 * or the end of an escape (`%3D` in URL-encoded text, `\n` or `\u0020` in JSON-escaped text),
 * which `\b` would miss (`%3Dsk-…` has no word boundary before `sk`).
 */
const START = String.raw`(?<=^|[^A-Za-z0-9]|%[0-9A-Fa-f]{2}|\\[nrtbf"/\\]|\\u[0-9A-Fa-f]{4})`;
/** Whitespace between the scheme and the token, also URL-encoded or JSON-escaped. */
const GAP = String.raw`(?:\s|%20|%09|\+|\\[tnr])+`;
/** A token character (RFC 6750 b64token), also percent-encoded. */
const TOKEN = String.raw`(?:[A-Za-z0-9._~+/=-]|%[0-9A-Fa-f]{2})`;
/**
 * An e-mail local part: letters, digits and the RFC 5322 specials except the ones that
 * structure URLs (/ = & ?), so a query string or a path around an address is kept.
 */
const LOCAL = "A-Za-z0-9._%+!#$'*^`{|}~-";

interface PatternRule {
  name: string;
  re: RegExp;
  replace: string;
  /** Cheap pre-check so most strings never reach the regex (hot path: access-log records). */
  gate: (s: string) => boolean;
}

/**
 * A character every match of a built-in rule holds: `b`/`B` (Bearer, Basic, any case), `k`
 * (sk-, rk-, pk-, gsk_), `x` (xai-), `A` (AIza), `@` or `%` (e-mail, also as %40). Most strings of
 * an access-log record (routes, component ids, methods, most model names) hold none, and one
 * test of this class then stands for every gate.
 */
const BUILTIN_TRIGGER = /[bBkxA@%]/;

export class Scrubber {
  private readonly rules: PatternRule[] = [];
  private readonly literals: string[];
  /** Rules the trigger test cannot speak for (configured patterns): run on every string. */
  private readonly always: PatternRule[] = [];

  constructor(opts: {
    bearer: boolean;
    apiKeys: boolean;
    emails: boolean;
    extra: readonly string[];
    sensitive: readonly string[];
  }) {
    if (opts.bearer)
      this.rules.push({
        name: 'bearer',
        re: new RegExp(`${START}(Bearer|Basic)${GAP}${TOKEN}{6,}`, 'gi'),
        replace: '$1 [REDACTED:bearer]',
        gate: (s) => /bearer|basic/i.test(s),
      });
    if (opts.apiKeys)
      this.rules.push({
        name: 'api_key',
        re: new RegExp(
          `${START}(?:(?:sk|rk|pk)-[A-Za-z0-9_-]{12,}|gsk_[A-Za-z0-9]{16,}|xai-[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{30,})`,
          'g',
        ),
        replace: '[REDACTED:api_key]',
        // every key the pattern knows holds `k-` (sk-, rk-, pk-), `k_` (gsk_), `xai-` or `AIza`:
        // model names and component ids with a dash or underscore no longer reach the regex
        gate: (s) =>
          s.length >= 15 &&
          (s.includes('k-') || s.includes('k_') || s.includes('xai-') || s.includes('AIza')),
      });
    if (opts.emails)
      this.rules.push({
        name: 'email',
        // starts only where a run of local-part characters starts: linear, not quadratic, on
        // a long run without a domain (40 kB of "a" then "@" took 2.8 s before)
        re: new RegExp(
          `(?<![${LOCAL}])[${LOCAL}]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}`,
          'g',
        ),
        replace: '[REDACTED:email]',
        gate: (s) => s.includes('@') || s.includes('%40'),
      });
    opts.extra.forEach((src, i) =>
      this.always.push({
        name: `extra_${i}`,
        re: new RegExp(src, 'g'),
        replace: '[REDACTED:pattern]',
        gate: () => true,
      }),
    );
    const raw = opts.sensitive.filter((s) => typeof s === 'string' && s.length >= 6);
    // the forms the export guard looks for: raw, JSON-escaped, URL-encoded, base64
    const forms = raw.flatMap((v) => [v, JSON.stringify(v).slice(1, -1), urlForm(v) ?? v, ...base64Forms(v)]);
    // longest first so a secret that contains another is replaced whole
    this.literals = [...new Set(forms)].sort((a, b) => b.length - a.length);
  }

  /** The scrubbed string (same instance when nothing matched). */
  scrub(s: string, counts: Record<string, number>): string {
    let out = s;
    if (out.length >= 6)
      for (const lit of this.literals) {
        if (out.includes(lit)) {
          const parts = out.split(lit);
          counts.secret = (counts.secret ?? 0) + parts.length - 1;
          out = parts.join('[REDACTED:secret]');
        }
      }
    // built-in rules first, then configured ones, in the order they always ran
    if (BUILTIN_TRIGGER.test(out)) for (const r of this.rules) out = apply(r, out, counts);
    for (const r of this.always) out = apply(r, out, counts);
    return out;
  }
}

function apply(r: PatternRule, s: string, counts: Record<string, number>): string {
  if (!r.gate(s)) return s;
  r.re.lastIndex = 0;
  if (!r.re.test(s)) return s;
  r.re.lastIndex = 0;
  return s.replace(r.re, (...m: string[]) => {
    counts[r.name] = (counts[r.name] ?? 0) + 1;
    return r.replace.replace('$1', m[1] ?? '');
  });
}
