// SPDX-License-Identifier: Apache-2.0
// Value patterns compiled once: bearer tokens, provider API keys, e-mail addresses, configured
// secrets and prompts (also base64-wrapped, as in a Basic auth header). Replaces matches with
// `[REDACTED:rule]` and counts them per rule.
import { base64Forms } from '../../util/export-guard.js';

interface PatternRule {
  name: string;
  re: RegExp;
  replace: string;
  /** Cheap pre-check so most strings never reach the regex (hot path: access-log records). */
  gate: (s: string) => boolean;
}

export class Scrubber {
  private readonly rules: PatternRule[] = [];
  private readonly literals: string[];

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
        re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
        replace: '$1 [REDACTED:bearer]',
        gate: (s) => /bearer|basic/i.test(s),
      });
    if (opts.apiKeys)
      this.rules.push({
        name: 'api_key',
        re: /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{12,}|\bgsk_[A-Za-z0-9]{16,}|\bxai-[A-Za-z0-9]{16,}|\bAIza[0-9A-Za-z_-]{30,}/g,
        replace: '[REDACTED:api_key]',
        gate: (s) => s.length >= 15 && (s.includes('-') || s.includes('_') || s.includes('AIza')),
      });
    if (opts.emails)
      this.rules.push({
        name: 'email',
        re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
        replace: '[REDACTED:email]',
        gate: (s) => s.includes('@'),
      });
    opts.extra.forEach((src, i) =>
      this.rules.push({
        name: `extra_${i}`,
        re: new RegExp(src, 'g'),
        replace: '[REDACTED:pattern]',
        gate: () => true,
      }),
    );
    const raw = opts.sensitive.filter((s) => typeof s === 'string' && s.length >= 6);
    // longest first so a secret that contains another is replaced whole
    this.literals = [...new Set([...raw, ...raw.flatMap(base64Forms)])].sort((a, b) => b.length - a.length);
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
    for (const r of this.rules) {
      if (!r.gate(out)) continue;
      r.re.lastIndex = 0;
      if (!r.re.test(out)) continue;
      r.re.lastIndex = 0;
      out = out.replace(r.re, (...m: string[]) => {
        counts[r.name] = (counts[r.name] ?? 0) + 1;
        return r.replace.replace('$1', m[1] ?? '');
      });
    }
    return out;
  }
}
