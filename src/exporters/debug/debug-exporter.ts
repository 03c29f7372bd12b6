// SPDX-License-Identifier: Apache-2.0
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { ConsumeContext } from '../../component/consumer.js';
import type { ExporterComponent } from '../../component/factory.js';
import type { CallRecord } from '../../model/call-record.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import { ExportGuard } from '../../util/export-guard.js';
import type { DebugConfig } from './config.js';
import { TARGET_DECLARED_EVENT } from '../../signals/names.js';
import { formatBatch, formatRecord } from './format.js';

export class DebugExporter implements ExporterComponent {
  readonly mutatesData = false;
  private stopped = false;
  private readonly guard: ExportGuard;
  private readonly guardLog: RateLimitedLog;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: DebugConfig,
    private readonly write: (line: string) => void = (line) =>
      (config.output === 'stderr' ? process.stderr : process.stdout).write(line + '\n'),
  ) {
    this.guard = new ExportGuard(settings.sensitive);
    this.guardLog = new RateLimitedLog(settings.logger);
  }

  async start(_host: Host): Promise<void> {}

  async consume(all: CallRecord[], _ctx: ConsumeContext): Promise<void> {
    // a target declaration only creates series at 0; it is no call and nothing to print
    const batch = all.filter((r) => r.event?.name !== TARGET_DECLARED_EVENT);
    if (this.stopped || batch.length === 0) return;
    const sources = [...new Set(batch.map((r) => r.receiver))].join(',');
    const text =
      this.config.verbosity === 'basic'
        ? `[debug/${this.settings.id}] ${formatBatch(sources, batch)}`
        : batch.map((r) => `[debug/${this.settings.id}] ${formatRecord(r)}`).join('\n');
    // last guard: a payload holding a configured secret or probe prompt is dropped (fail closed)
    if (!this.guard.allows(text)) {
      this.settings.telemetry.dropped(batch.length, 'export_guard', false);
      this.guardLog.error(
        'guard',
        { code: 'DW_ERR_EXPORT_GUARD', records: batch.length },
        'Outgoing payload contained a configured secret or probe prompt; dropped.',
      );
      return;
    }
    this.write(text);
  }

  async testExport(): Promise<void> {}

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    this.stopped = true;
  }
}
