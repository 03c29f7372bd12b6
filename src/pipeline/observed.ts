// SPDX-License-Identifier: Apache-2.0
// Wrappers that make the standard counters move for every component without each one
// counting by hand: what a receiver pushes (accepted / refused), what a processor takes and
// passes, what an exporter accepts (sent / send_failed). Components may still report richer
// detail (queue sizes, drops with reasons) through their own telemetry.
import type { Consumer, ConsumeContext } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import type { ComponentTelemetry } from '../telemetry/component-telemetry.js';

export function observeReceiverOutput(next: Consumer, t: ComponentTelemetry): Consumer {
  return {
    get mutatesData() {
      return next.mutatesData;
    },
    async consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
      const n = batch.length;
      try {
        await next.consume(batch, ctx);
        t.accepted(n);
      } catch (err) {
        t.refused(n);
        throw err;
      }
    },
  };
}

export function observeProcessorInput(p: Consumer, t: ComponentTelemetry): Consumer {
  return {
    get mutatesData() {
      return p.mutatesData;
    },
    consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
      t.incoming(batch.length);
      return p.consume(batch, ctx);
    },
  };
}

export function observeProcessorOutput(next: Consumer, t: ComponentTelemetry): Consumer {
  return {
    get mutatesData() {
      return next.mutatesData;
    },
    consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
      t.outgoing(batch.length);
      return next.consume(batch, ctx);
    },
  };
}

export function observeExporter(e: Consumer, t: ComponentTelemetry): Consumer {
  return {
    get mutatesData() {
      return e.mutatesData;
    },
    async consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
      const n = batch.length;
      try {
        await e.consume(batch, ctx);
        t.sent(n);
      } catch (err) {
        t.sendFailed(n);
        throw err;
      }
    },
  };
}
