// SPDX-License-Identifier: Apache-2.0
// Shared by this folder's tests: a receiver on a temp dir with an in-memory acknowledging sink.
// With `manual: true` the test runs the receiver's ticks itself (a Ticker, the same seam the
// timers use) and waits for acknowledgements through the sink: no hooks in the receiver.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerFromFn } from '../../component/consumer.js';
import type { CallRecord } from '../../model/call-record.js';
import { observeReceiverOutput } from '../../pipeline/observed.js';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import type { Logger } from '../../telemetry/logger.js';
import { AccessLogReceiver } from './access-log-receiver.js';
import type { AccessLogConfig } from './config.js';
import { accessLogReceiverFactory } from './index.js';
import type { Ticker } from './ticker.js';

/** Ticks only when the test says so. */
export class ManualTicker implements Ticker {
  private tick?: () => Promise<void>;
  private running?: Promise<void>;
  start(tick: () => Promise<void>): void {
    this.tick = tick;
  }
  wake(): void {}
  async stop(): Promise<void> {
    const t = this.running;
    this.tick = undefined;
    await t;
  }
  async run(): Promise<void> {
    if (!this.tick) return;
    this.running = this.tick();
    await this.running;
    this.running = undefined;
  }
}

export interface Harness {
  receiver: AccessLogReceiver;
  records: CallRecord[];
  metrics: SelfMetrics;
  /** Make the sink slow or refusing (`fail`: true for a plain error, or the error to refuse with). */
  sink: {
    delayMs: number;
    /** When set: the delay of the n-th call (0-based), e.g. to acknowledge out of order. */
    delayOf?: (n: number) => number;
    fail: boolean | Error;
    calls: number;
    maxOutstanding: number;
  };
  /** manual: one tick, then every batch it sent acknowledged (or refused). */
  poll(): Promise<void>;
  /** manual: one tick only; what it sent may still be travelling. */
  tick(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Like kill -9: nothing more is delivered or acknowledged, and the checkpoint file is left as
   * it was at this moment (the receiver is then shut down only to free its descriptors).
   */
  crash(): Promise<void>;
}

export async function startReceiver(
  dataDir: string,
  overrides: Partial<AccessLogConfig>,
  records: CallRecord[] = [],
  opts: { logger?: Logger; manual?: boolean } = {},
): Promise<Harness> {
  const config = {
    ...accessLogReceiverFactory.createDefaultConfig(),
    // manual: every tick re-evaluates the globs (the test decides when ticks happen)
    ...(opts.manual ? { scan_interval: 0 } : {}),
    ...overrides,
  } as AccessLogConfig;
  const metrics = new SelfMetrics();
  const sink: Harness['sink'] = { delayMs: 0, fail: false, calls: 0, maxOutstanding: 0 };
  const outstanding = new Set<Promise<void>>();
  let dead = false;
  const next = consumerFromFn((batch, ctx) => {
    if (dead)
      return new Promise<void>((_, reject) =>
        ctx.signal?.addEventListener('abort', () => reject(new Error('killed'))),
      );
    const delay = sink.delayOf ? sink.delayOf(sink.calls) : sink.delayMs;
    sink.calls++;
    const p = (async () => {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (sink.fail) throw sink.fail === true ? new Error('sink refuses') : sink.fail;
      if (dead) return new Promise<void>(() => undefined); // killed: never acknowledged
      for (const r of batch) records.push(r);
    })();
    outstanding.add(p);
    sink.maxOutstanding = Math.max(sink.maxOutstanding, outstanding.size);
    void p.catch(() => undefined).finally(() => outstanding.delete(p));
    return p;
  });
  const settings = testSettings('receiver', 'access_log/test', { dataDir, metrics, logger: opts.logger });
  const ticker = opts.manual ? new ManualTicker() : undefined;
  // wrapped like the pipeline graph wraps every receiver (it counts accepted/refused)
  const receiver = new AccessLogReceiver(
    settings,
    config,
    observeReceiverOutput(next, settings.telemetry),
    ticker,
  );
  await receiver.start(nopHost(metrics));
  const settle = async () => {
    while (outstanding.size > 0) await Promise.allSettled([...outstanding]);
    await new Promise((r) => setImmediate(r)); // the receiver's acknowledgement callbacks
  };
  return {
    receiver,
    records,
    metrics,
    sink,
    poll: async () => {
      if (!ticker) throw new Error('poll() needs { manual: true }');
      await ticker.run();
      await settle();
    },
    tick: async () => {
      if (!ticker) throw new Error('tick() needs { manual: true }');
      await ticker.run();
    },
    stop: () => receiver.shutdown({ deadline: Date.now() + 5000 }),
    crash: async () => {
      const file = join(dataDir, 'access-log-checkpoints.json');
      const saved = existsSync(file) ? readFileSync(file) : undefined;
      dead = true;
      await receiver.shutdown({ deadline: Date.now() });
      if (saved) writeFileSync(file, saved);
      else rmSync(file, { force: true });
    },
  };
}

/** Poll until `cond` holds (robust on a loaded CI machine), or throw with `what`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Minimal nginx format for tailer tests: each line carries a unique id. */
export const ID_FORMAT = { format: 'nginx' as const, log_format: '$request_id $status' };
export const idLine = (id: string, status = 200) => `${id} ${status}\n`;
