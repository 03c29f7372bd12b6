// SPDX-License-Identifier: Apache-2.0
// Lines → records: parse (the intake also says trailing content apart and watches for fields
// left empty), build a CallRecord into the current batch, count. Counts are moved to
// the metrics once per tick, not per line (no per-line label objects).
import type { Counter } from '../../telemetry/self-metrics.js';
import type { ComponentTelemetry } from '../../telemetry/component-telemetry.js';
import type { RateLimitedLog } from '../../telemetry/logger.js';
import type { DeliveryLedger } from './ledger.js';
import type { LineIntake } from './line-intake.js';
import type { LineSink } from './line-splitter.js';
import type { RecordBuilder } from './record.js';
import { redactedExcerpt } from './redact-line.js';

export class LineRecords implements LineSink {
  private parsed = 0;
  private unparsed = 0;
  private truncated = 0;
  private trailing = 0;
  /** Wall-clock time given to the records built in this tick. */
  now = 0;

  constructor(
    private readonly intake: LineIntake,
    private readonly builder: RecordBuilder,
    private readonly ledger: DeliveryLedger,
    private readonly log: RateLimitedLog,
  ) {}

  /** LineSink: true once the batch is full, so reading stops at this line. */
  line(text: string, cut: boolean): boolean {
    if (cut) this.truncated++;
    if (text.length === 0) return false;
    const outcome = this.intake.read(text);
    if (outcome !== 'parsed') {
      if (outcome === 'trailing_content') this.trailing++;
      else this.unparsed++;
      this.log.warn(
        outcome,
        { excerpt: redactedExcerpt(text) },
        outcome === 'trailing_content'
          ? 'Access-log line matched the format with more after it (two lines glued, or a longer format than configured); counted and skipped.'
          : 'Access-log line did not parse; counted and skipped.',
      );
      return false;
    }
    this.parsed++;
    this.ledger.add(this.builder.build(this.intake.fields!, this.now));
    return this.ledger.full();
  }

  flushCounts(lines: Counter, labels: Record<string, string>, telemetry: ComponentTelemetry): void {
    if (this.parsed > 0) lines.add(this.parsed, { ...labels, result: 'parsed' });
    if (this.truncated > 0) lines.add(this.truncated, { ...labels, result: 'truncated' });
    if (this.unparsed > 0) {
      lines.add(this.unparsed, { ...labels, result: 'unparsed' });
      telemetry.dropped(this.unparsed, 'unparsed_line', false);
    }
    if (this.trailing > 0) {
      lines.add(this.trailing, { ...labels, result: 'trailing_content' });
      telemetry.dropped(this.trailing, 'unparsed_line', false);
    }
    this.parsed = this.unparsed = this.truncated = this.trailing = 0;
  }
}
