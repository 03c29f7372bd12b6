// SPDX-License-Identifier: Apache-2.0
// Fail-open hand-off of records to the pipeline. The proxied call only ever calls `offer()`,
// which never waits and never throws: records are batched on a short timer and consumed in the
// background, at most `maxInFlight` batches at a time. When the pipeline is slow the waiting
// list fills up and new records are dropped (counted); when it refuses a batch, that batch is
// dropped (counted). Either way the calls themselves are untouched.
import type { Consumer } from '../../component/consumer.js';
import { newContext } from '../../component/consumer.js';
import type { CallRecord } from '../../model/call-record.js';

export interface OutboxOptions {
  maxPending: number;
  maxBatch: number;
  maxInFlight: number;
  flushMs: number;
  onDrop: (n: number, reason: 'pipeline_slow' | 'pipeline_refused') => void;
  signal: AbortSignal;
}

export class Outbox {
  private pending: CallRecord[] = [];
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly next: Consumer,
    private readonly opts: OutboxOptions,
  ) {}

  /** Queues one record; false when it was dropped because the pipeline is behind. */
  offer(r: CallRecord): boolean {
    if (this.pending.length >= this.opts.maxPending) {
      this.opts.onDrop(1, 'pipeline_slow');
      return false;
    }
    this.pending.push(r);
    if (this.pending.length >= this.opts.maxBatch) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.opts.flushMs);
      this.timer.unref();
    }
    return true;
  }

  get size(): number {
    return this.pending.length;
  }

  private flush(): void {
    while (this.pending.length > 0 && this.inFlight < this.opts.maxInFlight) {
      const batch = this.pending.splice(0, this.opts.maxBatch);
      this.inFlight++;
      const p = this.consume(batch).finally(() => {
        this.inFlight--;
        this.running.delete(p);
        if (this.pending.length > 0) this.flush();
      });
      this.running.add(p);
    }
  }

  private async consume(batch: CallRecord[]): Promise<void> {
    try {
      // accepted/refused are counted by the pipeline's receiver wrapper; the drop is ours
      await this.next.consume(batch, newContext(this.opts.signal));
    } catch {
      this.opts.onDrop(batch.length, 'pipeline_refused');
    }
  }

  /** Sends what is waiting and waits for it, until `deadline` (epoch ms). */
  async drain(deadline: number): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flush();
    while ((this.pending.length > 0 || this.running.size > 0) && Date.now() < deadline) {
      const left = Math.max(0, deadline - Date.now());
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((r) => setTimeout(r, left).unref()),
      ]);
      this.flush();
    }
    if (this.pending.length > 0) {
      this.opts.onDrop(this.pending.length, 'pipeline_slow');
      this.pending = [];
    }
  }
}
