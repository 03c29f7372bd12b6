// SPDX-License-Identifier: Apache-2.0
// Test double: a receiver that emits one synthetic record per tick and counts acknowledgements,
// so tests can prove that what was acknowledged reached the exporters.
import type { Component, CreateSettings, Host, ShutdownOptions } from '../component/component.js';
import type { Consumer } from '../component/consumer.js';
import { newContext } from '../component/consumer.js';
import type { ReceiverFactory } from '../component/factory.js';
import { newCallRecord } from '../model/call-record.js';

export interface TickerConfig {
  interval_ms: number;
  batch: number;
  model: string;
}

export class TickerReceiver implements Component {
  emitted = 0;
  acked = 0;
  private timer?: NodeJS.Timeout;
  private inflight = new Set<Promise<void>>();
  private seq = 0;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: TickerConfig,
    private readonly next: Consumer,
  ) {}

  async start(_host: Host): Promise<void> {
    this.timer = setInterval(() => this.tick(), this.config.interval_ms);
  }

  private tick(): void {
    const batch = Array.from({ length: this.config.batch }, () => {
      const r = newCallRecord(
        'probe',
        this.settings.id,
        { provider: 'test', endpoint: '/v1/chat/completions' },
        {
          method: 'POST',
          route: '/v1/chat/completions',
          model: this.config.model,
          synthetic: true,
          probe: `seq-${this.seq++}`,
        },
      );
      r.response.status = 200;
      return r;
    });
    this.emitted += batch.length;
    const p = this.next.consume(batch, newContext()).then(
      () => {
        this.acked += batch.length;
      },
      (err: unknown) => this.settings.logger.warn({ err: String(err) }, 'Batch refused.'),
    );
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inflight]);
    this.settings.logger.info({ emitted: this.emitted, acked: this.acked }, 'Ticker stopped.');
  }
}

export const tickerReceiverFactory: ReceiverFactory<TickerConfig> = {
  type: 'ticker',
  kind: 'receiver',
  stability: 'development',
  description: 'Test double: emits synthetic records on an interval.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      interval_ms: { type: 'integer', minimum: 1, default: 50 },
      batch: { type: 'integer', minimum: 1, default: 1 },
      model: { type: 'string', default: 'test-model' },
    },
  },
  createDefaultConfig: () => ({ interval_ms: 50, batch: 1, model: 'test-model' }),
  create: (settings, config, next) => new TickerReceiver(settings, config, next),
};
