// SPDX-License-Identifier: Apache-2.0
// One line in, one outcome out, for the receiver and `replay` alike: parsed (fields ready),
// unparsed, or trailing content (a full match with more after it). It also watches whether
// the status and timing fields the format declares are actually filled, and says so once
// when most lines leave one empty: a format that matches but loses the latency must not be silent.
import type { CoveredField, LineFields, LineParser } from './fields.js';
import { describesCall } from './fields.js';

export type LineOutcome = 'parsed' | 'unparsed' | 'trailing_content';

/** Parsed lines before the first check; then every CHECK_EVERY lines. */
const FIRST_CHECK = 200;
const CHECK_EVERY = 10_000;

const WHAT: Record<CoveredField, string> = {
  status: 'the status',
  duration: 'the request duration',
  upstream_duration: 'the upstream time',
  ttfb: 'the upstream header time',
  upstream_status: 'the upstream status',
};

const CAUSE: Record<CoveredField, string> = {
  status:
    'the field mapping or format position is not where this gateway writes the status, or the gateway writes it only on some calls (LiteLLM: failures only)',
  duration:
    'the gateway writes "-" or -1 when it never reached that phase (HAProxy, AWS ALB: the client or the target left); on every line it means the format names a field the gateway does not fill',
  upstream_duration:
    'requests the gateway answered itself (no upstream) have none; on every line the format names a field the gateway does not fill',
  ttfb: 'requests that never got response headers have none; on every line the format names a field the gateway does not fill',
  upstream_status:
    'requests the gateway answered itself, or whose upstream never answered, have none; on every line the field is not where the gateway writes it',
};

export class LineIntake {
  /** The fields of the last line that parsed. */
  fields: LineFields | undefined;
  private parsed = 0;
  private readonly present = { status: 0, duration: 0, upstream_duration: 0, ttfb: 0, upstream_status: 0 };
  private readonly warned = new Set<CoveredField>();
  private readonly covers: readonly CoveredField[];

  constructor(
    private readonly parser: LineParser,
    /** Called once per finding (field empty on most lines); also with the parser's notes at once. */
    private readonly warn: (message: string) => void,
  ) {
    this.covers = [...(parser.covers ?? [])];
    for (const n of parser.notes ?? []) warn(n);
    if (parser.covers !== undefined && !parser.covers.has('duration'))
      warn(
        'the format logs no request duration, so latency stays empty (nginx: add $request_time; Apache: %D; HAProxy: %Ta)',
      );
  }

  read(line: string): LineOutcome {
    const f = this.parser.parse(line);
    if (!describesCall(f)) {
      this.fields = undefined;
      return this.parser.lastReject ?? 'unparsed';
    }
    this.fields = f;
    const p = this.present;
    if (f.status !== undefined) p.status++;
    if (f.totalMs !== undefined) p.duration++;
    if (f.upstreamMs !== undefined) p.upstream_duration++;
    if (f.ttfbMs !== undefined) p.ttfb++;
    if (f.upstreamStatuses !== undefined && f.upstreamStatuses.length > 0) p.upstream_status++;
    this.parsed++;
    if (this.parsed === FIRST_CHECK || this.parsed % CHECK_EVERY === 0) this.check();
    return 'parsed';
  }

  /** Checks now whatever the count (end of a replay); needs a few lines to say anything. */
  finish(): void {
    if (this.parsed >= 10) this.check();
  }

  private check(): void {
    for (const c of this.covers) {
      if (this.warned.has(c)) continue;
      const have = this.present[c];
      if (have * 2 >= this.parsed) continue;
      this.warned.add(c);
      this.warn(
        `${WHAT[c]} is empty on ${this.parsed - have} of ${this.parsed} parsed lines; likely cause: ${CAUSE[c]}`,
      );
    }
  }
}
