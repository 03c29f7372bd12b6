// SPDX-License-Identifier: Apache-2.0
// Shared by this folder's tests: a receiver on a temp dir with an in-memory acknowledging sink.
import { consumerFromFn } from '../../component/consumer.js';
import type { CallRecord } from '../../model/call-record.js';
import { observeReceiverOutput } from '../../pipeline/observed.js';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import type { Logger } from '../../telemetry/logger.js';
import { AccessLogReceiver } from './access-log-receiver.js';
import type { AccessLogConfig } from './config.js';
import { accessLogReceiverFactory } from './index.js';

export interface Harness {
  receiver: AccessLogReceiver;
  records: CallRecord[];
  metrics: SelfMetrics;
  /** Make the sink slow or refusing (true: a plain error; or the error to refuse with). */
  sink: { delayMs: number; fail: boolean | Error };
  stop(): Promise<void>;
}

export async function startReceiver(
  dataDir: string,
  overrides: Partial<AccessLogConfig>,
  records: CallRecord[] = [],
  opts: { logger?: Logger } = {},
): Promise<Harness> {
  const config = { ...accessLogReceiverFactory.createDefaultConfig(), ...overrides } as AccessLogConfig;
  const metrics = new SelfMetrics();
  const sink: Harness['sink'] = { delayMs: 0, fail: false };
  const next = consumerFromFn(async (batch) => {
    if (sink.delayMs > 0) await new Promise((r) => setTimeout(r, sink.delayMs));
    if (sink.fail) throw sink.fail === true ? new Error('sink refuses') : sink.fail;
    for (const r of batch) records.push(r);
  });
  const settings = testSettings('receiver', 'access_log/test', { dataDir, metrics, logger: opts.logger });
  // wrapped like the pipeline graph wraps every receiver (it counts accepted/refused)
  const receiver = new AccessLogReceiver(settings, config, observeReceiverOutput(next, settings.telemetry));
  await receiver.start(nopHost(metrics));
  return {
    receiver,
    records,
    metrics,
    sink,
    stop: () => receiver.shutdown({ deadline: Date.now() + 5000 }),
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
