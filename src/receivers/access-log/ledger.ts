// SPDX-License-Identifier: Apache-2.0
// Batches and their acknowledgements. Records collect in the current batch with, per stream, the
// offset just after its last line; up to `maxInflight` batches are sent at once, and a stream's
// committed offset moves only through the oldest batches that were all acknowledged, in order.
// So a crash repeats at most the batches in flight (batch_size × max_inflight_batches lines)
// and never skips a line whose batch was refused or still travelling.
import type { Consumer } from '../../component/consumer.js';
import { retryOfError } from '../../component/errors.js';
import type { DriftwatchError } from '../../component/errors.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Cursor } from './tailer.js';

interface Batch {
  records: CallRecord[];
  /** Per stream: the offset just after the last line this batch holds. */
  offsets: Map<Cursor, number>;
  acked: boolean;
  attempts: number;
  /** The sender waits for this acknowledgement before it can send more (see ConsumeContext.flush). */
  flush: boolean;
}

export interface LedgerEvents {
  /** Committed offsets moved (write checkpoints); a slot for another batch is free. */
  committed(): void;
  /** `skipped`: refused for good (catalog mark permanent): the batch is not offered again. */
  refused(err: unknown, records: number, attempt: number, skipped: boolean): void;
}

export class DeliveryLedger {
  private current = newBatch();
  private readonly inflight: Batch[] = [];
  private idleWaiters: Array<() => void> = [];
  private slotWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly batchSize: number,
    private readonly maxInflight: number,
    private readonly next: Consumer,
    private readonly signal: AbortSignal,
    private readonly events: LedgerEvents,
  ) {}

  add(record: CallRecord): void {
    this.current.records.push(record);
  }

  /** The current batch holds `batch_size` records: send it before reading more. */
  full(): boolean {
    return this.current.records.length >= this.batchSize;
  }

  /** Lines of `c` up to `end` belong to the current batch. */
  mark(c: Cursor, end: number): void {
    this.current.offsets.set(c, end);
  }

  /** Lines of this stream wait for acknowledgement (a file is closed only after). */
  pending(c: Cursor): boolean {
    return this.current.offsets.has(c) || this.inflight.some((b) => b.offsets.has(c));
  }

  /**
   * Sends the current batch when a slot is free: a full one always, a partial one when `partial`
   * (caught up, nothing more to read now). False when every slot is taken (back-pressure).
   */
  send(partial: boolean, force = false): boolean {
    const b = this.current;
    if (b.records.length === 0 && b.offsets.size === 0) return true;
    if (!partial && b.records.length < this.batchSize) return true;
    if (!force && this.inflight.length >= this.maxInflight) return false;
    this.current = newBatch();
    this.inflight.push(b);
    if (b.records.length === 0) {
      // offsets only (unparsed or empty lines): nothing to deliver, commit in order
      b.acked = true;
      this.commit();
      return true;
    }
    b.flush = force || this.inflight.length >= this.maxInflight;
    this.deliver(b);
    return true;
  }

  /** Resolves once no batch waits for acknowledgement. */
  idle(): Promise<void> {
    if (this.inflight.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves at the next commit (a slot may be free), or at once when stopped. */
  slotFree(): Promise<void> {
    if (this.stopped || this.inflight.length < this.maxInflight) return Promise.resolve();
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  /** No more retries (shutdown past its deadline). */
  stop(): void {
    this.stopped = true;
    this.wakeSlotWaiters();
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }

  private deliver(b: Batch): void {
    b.attempts++;
    this.next.consume(b.records, { receivedAt: Date.now(), signal: this.signal, flush: b.flush }).then(
      () => {
        b.acked = true;
        this.commit();
      },
      (err: unknown) => {
        const retry = retryOfError(err);
        if (retry === 'permanent') {
          // Offering the same lines again cannot help (a backend's 400, the export guard): the
          // consumer that refused counted the drop; move on rather than block the file.
          this.events.refused(err, b.records.length, b.attempts, true);
          b.acked = true;
          this.commit();
          return;
        }
        this.events.refused(err, b.records.length, b.attempts, false);
        if (this.stopped) return;
        const backoff = Math.min(5000, 100 * 2 ** Math.min(b.attempts, 6));
        const after = (err as Partial<DriftwatchError> | undefined)?.retryAfterMs ?? 0;
        const delay = retry === 'throttled' ? Math.max(backoff, after) : backoff;
        setTimeout(() => {
          if (!this.stopped) this.deliver(b);
        }, delay).unref();
      },
    );
  }

  private commit(): void {
    let moved = false;
    while (this.inflight.length > 0 && this.inflight[0].acked) {
      const b = this.inflight.shift()!;
      for (const [c, end] of b.offsets) if (end > c.committed) c.committed = end;
      moved = true;
    }
    if (this.inflight.length === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (moved) {
      this.wakeSlotWaiters();
      this.events.committed();
    }
  }
}

function newBatch(): Batch {
  return { records: [], offsets: new Map(), acked: false, attempts: 0, flush: false };
}
