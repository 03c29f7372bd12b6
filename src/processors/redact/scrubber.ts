// SPDX-License-Identifier: Apache-2.0
// Value patterns compiled once: bearer tokens, provider API keys, e-mail addresses, configured
// secrets and prompts (also base64-wrapped, as in a Basic auth header). Replaces matches with
// `[REDACTED:rule]` and counts them per rule.
import { base64Forms } from '../../util/export-guard.js';

interface PatternRule {
  name: string;
  re: RegExp;
  replace: string;
}

export class Scrubber {
  private readonly rules: PatternRule[] = [];
  private readonly any?: RegExp;
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
      });
    if (opts.apiKeys)
      this.rules.push({
        name: 'api_key',
        re: /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{12,}|\bgsk_[A-Za-z0-9]{16,}|\bxai-[A-Za-z0-9]{16,}|\bAIza[0-9A-Za-z_-]{30,}/g,
        replace: '[REDACTED:api_key]',
      });
    if (opts.emails)
      this.rules.push({
        name: 'email',
        re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
        replace: '[REDACTED:email]',
      });
    opts.extra.forEach((src, i) =>
      this.rules.push({ name: `extra_${i}`, re: new RegExp(src, 'g'), replace: '[REDACTED:pattern]' }),
    );
    if (this.rules.length > 0)
      this.any = new RegExp(this.rules.map((r) => `(?:${r.re.source})`).join('|'), 'i');
    // longest first so a secret that contains another is replaced whole
    const raw = opts.sensitive.filter((s) => typeof s === 'string' && s.length >= 6);
    this.literals = [...new Set([...raw, ...raw.flatMap(base64Forms)])].sort((a, b) => b.length - a.length);
  }

  /** The scrubbed string (same instance when nothing matched). */
  scrub(s: string, counts: Record<string, number>): string {
    let out = s;
    for (const lit of this.literals) {
      if (out.includes(lit)) {
        const parts = out.split(lit);
        counts.secret = (counts.secret ?? 0) + parts.length - 1;
        out = parts.join('[REDACTED:secret]');
      }
    }
    if (this.any && this.any.test(out)) {
      for (const r of this.rules) {
        r.re.lastIndex = 0;
        out = out.replace(r.re, (...m: string[]) => {
          counts[r.name] = (counts[r.name] ?? 0) + 1;
          return r.replace.replace('$1', m[1] ?? '');
        });
      }
    }
    return out;
  }
}
