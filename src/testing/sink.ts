// SPDX-License-Identifier: Apache-2.0
// An in-memory exporter that keeps what it receives; can be told to refuse or to be slow.
import type { CreateSettings, Host, ShutdownOptions } from '../component/component.js';
import type { ConsumeContext } from '../component/consumer.js';
import type { ExporterComponent, ExporterFactory } from '../component/factory.js';
import type { CallRecord } from '../model/call-record.js';
import { appendFileSync } from 'node:fs';

export class SinkExporter implements ExporterComponent {
  readonly mutatesData: boolean;
  readonly batches: CallRecord[][] = [];
  delayMs = 0;
  failWith?: Error;
  /** When set, each accepted record is appended as one JSON line (for child-process tests). */
  path?: string;
  started = false;
  stopped = false;

  constructor(mutatesData = false) {
    this.mutatesData = mutatesData;
  }

  get records(): CallRecord[] {
    return this.batches.flat();
  }

  async start(_host: Host): Promise<void> {
    this.started = true;
  }

  async consume(batch: CallRecord[], _ctx: ConsumeContext): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    this.batches.push(batch);
    if (this.path) {
      const lines = batch.map((r) =>
        JSON.stringify({ probe: r.request.probe, model: r.request.model, receiver: r.receiver }),
      );
      appendFileSync(this.path, lines.join('\n') + '\n');
    }
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    this.stopped = true;
  }
}

/** A factory handing out sinks, remembering each instance by id for assertions. */
export function sinkExporterFactory(instances = new Map<string, SinkExporter>()): ExporterFactory<{
  delay_ms: number;
  path: string;
}> & {
  instances: Map<string, SinkExporter>;
} {
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      delay_ms: { type: 'integer', minimum: 0, default: 0 },
      path: { type: 'string', default: '' },
    },
  };
  return {
    type: 'sink',
    kind: 'exporter',
    stability: 'development',
    description: 'Test double: keeps records in memory.',
    configSchema: schema,
    createDefaultConfig: () => ({ delay_ms: 0, path: '' }),
    instances,
    create(settings: CreateSettings, config: { delay_ms: number; path: string }) {
      const s = new SinkExporter();
      s.delayMs = config.delay_ms;
      if (config.path) s.path = config.path;
      instances.set(settings.id, s);
      return s;
    },
  };
}
