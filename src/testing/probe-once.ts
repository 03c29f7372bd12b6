// SPDX-License-Identifier: Apache-2.0
// Test helper: run the probe receiver once against a real endpoint and return its records.
import { consumerFromFn } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import type { ProbeReceiverConfig } from '../receivers/probe/config.js';
import { probeReceiverFactory } from '../receivers/probe/index.js';
import { ProbeReceiver } from '../receivers/probe/probe-receiver.js';
import { observeReceiverOutput } from '../pipeline/observed.js';
import { loadBlock } from '../config/component-schema.js';
import { TARGET_DECLARED_EVENT } from '../signals/names.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { nopHost, testSettings } from './nop-host.js';

export interface ProbeOnceOptions {
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  sensitive?: string[];
  /** Records to wait for (default 1). */
  records?: number;
  timeoutMs?: number;
}

/** A full probe config: overrides as written in YAML (`interval: 1h`), loaded like the loader does. */
export function probeConfig(overrides: Record<string, unknown>): ProbeReceiverConfig {
  const raw = { start_jitter: false, ...overrides };
  const { problems, config } = loadBlock<ProbeReceiverConfig>(probeReceiverFactory.configSchema, raw);
  if (!config) throw new Error(`bad test config: ${JSON.stringify(problems)}`);
  return config;
}

export async function probeOnce(
  overrides: Record<string, unknown>,
  opts: ProbeOnceOptions = {},
): Promise<{ records: CallRecord[]; metrics: SelfMetrics }> {
  const cfg = probeConfig(overrides);
  const metrics = new SelfMetrics();
  const records: CallRecord[] = [];
  const settings = testSettings('receiver', 'probe/test', {
    dataDir: opts.dataDir,
    metrics,
    sensitive: opts.sensitive,
  });
  const r = new ProbeReceiver(
    settings,
    cfg,
    // wrapped like the pipeline graph wraps every receiver, so the standard counters move
    observeReceiverOutput(
      // the receiver's start-up target declarations are no probe results
      consumerFromFn(
        async (b) => void records.push(...b.filter((r) => r.event?.name !== TARGET_DECLARED_EVENT)),
      ),
      settings.telemetry,
    ),
    opts.env ?? {},
  );
  await r.start(nopHost(metrics));
  const want = opts.records ?? 1;
  const until = Date.now() + (opts.timeoutMs ?? 15_000);
  while (records.length < want && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
  await r.shutdown({ deadline: Date.now() + 5000 });
  return { records, metrics };
}
