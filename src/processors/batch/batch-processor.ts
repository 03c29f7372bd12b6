// SPDX-License-Identifier: Apache-2.0
// Groups small batches into larger ones (size or timeout, whichever first). The upstream
// acknowledgement is carried through: each caller's promise settles when the merged batch
// holding its records has been acknowledged downstream. A caller that says it sends nothing
// more until acknowledged (`ctx.flush`) is not kept waiting for the timeout: what is pending
// goes at once (waiting could only delay that caller, never grow the batch).
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer, ConsumeContext } from '../../component/consumer.js';
import type { ProcessorComponent } from '../../component/factory.js';
import { DriftwatchError } from '../../component/errors.js';
import type { CallRecord } from '../../model/call-record.js';
import type { BatchConfig } from './config.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class BatchProcessor implements ProcessorComponent {
  readonly mutatesData = false;
  private pending: CallRecord[] = [];
  private waiters: Waiter[] = [];
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: BatchConfig,
    private readonly next: Consumer,
  ) {}

  async start(_host: Host): Promise<void> {}

  consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
    if (this.closed)
      return Promise.reject(new DriftwatchError('DW_ERR_SHUTTING_DOWN', 'batch processor is shutting down'));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    for (const r of batch) this.pending.push(r);
    if (this.pending.length >= this.config.send_batch_size || ctx.flush) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.config.timeout); // ms: the loader converted it
      this.timer.unref();
    }
    return done;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const max = this.config.send_batch_max_size || Infinity;
    const records = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < records.length; i += max === Infinity ? records.length : max) {
      sends.push(
        this.next.consume(records.slice(i, max === Infinity ? undefined : i + max), {
          receivedAt: Date.now(),
        }),
      );
    }
    const p = Promise.all(sends).then(
      () => waiters.forEach((w) => w.resolve()),
      (err: unknown) => waiters.forEach((w) => w.reject(err)),
    );
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    await Promise.allSettled([...this.inflight]);
    this.settings.logger.debug('Batch processor drained.');
  }
}
