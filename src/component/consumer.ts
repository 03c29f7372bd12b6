// SPDX-License-Identifier: Apache-2.0
// The only way components talk: consume(batch, ctx). The returned promise is the
// acknowledgement: it resolves once every exporter downstream has accepted the batch
// (sent, or safely in a persistent queue) and rejects if any refused it.
import type { CallRecord } from '../model/call-record.js';

export interface ConsumeContext {
  /** Wall-clock time the batch entered the pipeline. */
  readonly receivedAt: number;
  /** Cancelled when the service is shutting down past its deadline. */
  readonly signal?: AbortSignal;
  /**
   * The sender sends nothing more until this batch is acknowledged (all its slots are taken, or
   * it is stopping): a batching step passes it on now instead of waiting for more records.
   */
  readonly flush?: boolean;
}

export interface Consumer {
  /** True when consume() changes the records: fan-out gives such consumers their own copy. */
  readonly mutatesData: boolean;
  consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void>;
}

export function newContext(signal?: AbortSignal): ConsumeContext {
  return { receivedAt: Date.now(), signal };
}

/** A consumer from a function (tests, small glue). */
export function consumerFromFn(
  fn: (batch: CallRecord[], ctx: ConsumeContext) => Promise<void>,
  mutatesData = false,
): Consumer {
  return { mutatesData, consume: fn };
}
