// SPDX-License-Identifier: Apache-2.0
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { ConsumeContext } from '../../component/consumer.js';
import type { ExporterComponent } from '../../component/factory.js';
import type { CallRecord } from '../../model/call-record.js';
import type { DebugConfig } from './config.js';
import { formatBatch, formatRecord } from './format.js';

export class DebugExporter implements ExporterComponent {
  readonly mutatesData = false;
  private stopped = false;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: DebugConfig,
    private readonly write: (line: string) => void = (line) =>
      (config.output === 'stderr' ? process.stderr : process.stdout).write(line + '\n'),
  ) {}

  async start(_host: Host): Promise<void> {}

  async consume(batch: CallRecord[], _ctx: ConsumeContext): Promise<void> {
    if (this.stopped || batch.length === 0) return;
    const sources = [...new Set(batch.map((r) => r.receiver))].join(',');
    if (this.config.verbosity === 'basic') {
      this.write(`[debug/${this.settings.id}] ${formatBatch(sources, batch)}`);
      return;
    }
    const lines = batch.map((r) => `[debug/${this.settings.id}] ${formatRecord(r)}`);
    this.write(lines.join('\n'));
  }

  async testExport(): Promise<void> {}

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    this.stopped = true;
  }
}
