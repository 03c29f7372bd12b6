// SPDX-License-Identifier: Apache-2.0
// Keeps the contract-health aggregate and serves it on the health endpoint as /status (HTML)
// and /status.json. Read-only consumer: it never changes records.
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { ConsumeContext } from '../../component/consumer.js';
import type { ExporterComponent } from '../../component/factory.js';
import type { CallRecord } from '../../model/call-record.js';
import type { StatusConfig } from './config.js';
import { ContractHealth } from './contract-health.js';
import type { StatusSnapshot } from './contract-health.js';
import { renderStatusPage } from './page.js';

export class StatusExporter implements ExporterComponent {
  readonly mutatesData = false;
  readonly health: ContractHealth;
  private host?: Host;
  private startedAt = Date.now();

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: StatusConfig,
  ) {
    this.health = new ContractHealth({
      recentEvents: config.recent_events,
      maxGroups: config.max_groups,
    });
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    this.startedAt = Date.now();
    host.registerRoute('/status.json', (_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(this.snapshot()));
    });
    host.registerRoute('/status', (_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(renderStatusPage(this.snapshot(), this.config.refresh_seconds));
    });
    this.settings.logger.debug('Status page registered at /status and /status.json on the health endpoint.');
  }

  snapshot(): StatusSnapshot {
    const reload = this.host?.lastReload;
    const changedAt = reload?.ok && reload.at > this.startedAt ? reload.at : this.startedAt;
    return this.health.snapshot(changedAt);
  }

  async consume(batch: CallRecord[], _ctx: ConsumeContext): Promise<void> {
    this.health.add(batch);
  }

  async testExport(): Promise<void> {}

  async shutdown(_opts: ShutdownOptions): Promise<void> {}
}
