// SPDX-License-Identifier: Apache-2.0
// Fan-out to several consumers. Read-only consumers share the batch; mutating consumers get
// their own copy (the last one takes the original when nobody else reads it). The returned
// promise is the joint acknowledgement: it settles once every consumer has settled, and
// rejects if any refused.
import type { Consumer, ConsumeContext } from '../component/consumer.js';
import { cloneRecords } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';

export function fanout(consumers: readonly Consumer[]): Consumer {
  if (consumers.length === 1) return consumers[0];
  const readers = consumers.filter((c) => !c.mutatesData);
  const mutators = consumers.filter((c) => c.mutatesData);
  return {
    mutatesData: false,
    async consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
      const calls: Promise<void>[] = [];
      mutators.forEach((c, i) => {
        const own = readers.length === 0 && i === mutators.length - 1 ? batch : cloneRecords(batch);
        calls.push(c.consume(own, ctx));
      });
      for (const c of readers) calls.push(c.consume(batch, ctx));
      const results = await Promise.allSettled(calls);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length === 1) throw failed[0].reason;
      if (failed.length > 1)
        throw new AggregateError(
          failed.map((f) => f.reason as unknown),
          'several consumers refused the batch',
        );
    },
  };
}

/**
 * A consumer whose target can be swapped: receivers hold one, so a reload can rewire an
 * unchanged receiver to a new downstream without recreating it (it keeps its state).
 */
export class Relay implements Consumer {
  constructor(private target: Consumer) {}
  get mutatesData(): boolean {
    return this.target.mutatesData;
  }
  setTarget(c: Consumer): void {
    this.target = c;
  }
  consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
    return this.target.consume(batch, ctx);
  }
}
