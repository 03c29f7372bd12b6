// SPDX-License-Identifier: Apache-2.0
// Child process for the persistent-queue crash test: runs the agent (Service + YAML config) with
// a numbered-record test receiver and the otlp_http exporter on its file queue, against an
// endpoint that is down. Prints `acked N` (records the receiver saw acknowledged, i.e.
// persisted) as they grow. The parent kills it with SIGKILL.
import type { Component, CreateSettings, Host } from '../../src/component/component.js';
import type { Consumer } from '../../src/component/consumer.js';
import { newContext } from '../../src/component/consumer.js';
import type { AnyFactory, ReceiverFactory } from '../../src/component/factory.js';
import { builtinRegistry } from '../../src/components.js';
import { loadServiceConfig } from '../../src/config/load.js';
import { loadProcessSettings } from '../../src/config/process-settings.js';
import { Service } from '../../src/service/service.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { SelfMetrics } from '../../src/telemetry/self-metrics.js';
import { probeRecord, violationRecord } from '../../src/testing/signal-records.js';

/** Emits record seq-0, seq-1, … one at a time; every 4th is a violation (→ a log record). */
class NumberedReceiver implements Component {
  private stopped = false;
  constructor(private readonly next: Consumer) {}
  async start(_host: Host): Promise<void> {
    void this.loop();
  }
  private async loop(): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      const r = i % 4 === 3 ? violationRecord({ probe: `seq-${i}` }) : probeRecord({ probe: `seq-${i}` });
      await this.next.consume([r], newContext()).catch(() => undefined);
      await new Promise((res) => setTimeout(res, 5));
    }
  }
  async shutdown(): Promise<void> {
    this.stopped = true;
  }
}

const numbered: ReceiverFactory<Record<string, never>> = {
  type: 'numbered',
  kind: 'receiver',
  stability: 'development',
  description: 'Test double: numbered probe records.',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  createDefaultConfig: () => ({}),
  create: (_s: CreateSettings, _c, next) => new NumberedReceiver(next),
};

const [endpoint, dataDir] = process.argv.slice(2);
const registry = builtinRegistry([numbered as AnyFactory]);
const yaml = `
receivers:
  numbered: {}
exporters:
  otlp_http:
    endpoint: ${endpoint}
    timeout: 500ms
    sending_queue: { storage: file }
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms, max_elapsed_time: 10m }
    metrics: { enabled: false }
service:
  pipelines:
    contract: { receivers: [numbered], exporters: [otlp_http] }
`;
const metrics = new SelfMetrics();
const service = new Service({
  registry,
  process: loadProcessSettings({ dataDir }, {}),
  logger: silentLogger(),
  metrics,
});
await service.start(loadServiceConfig({ files: [], inline: [['crash.yaml', yaml]], env: {}, registry }));
let last = 0;
setInterval(() => {
  const acked = metrics.sum('driftwatch_receiver_accepted_records_total');
  if (acked !== last) process.stdout.write(`acked ${(last = acked)}\n`);
}, 10);
