// SPDX-License-Identifier: Apache-2.0
// Gives every failed call its error class, sub-reason, owner, first action, runbook and retry
// decision; healthy calls pass unchanged. Unknown shapes are counted, never thrown.
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer, ConsumeContext } from '../../component/consumer.js';
import type { ProcessorComponent } from '../../component/factory.js';
import type { Contract } from '../../contract/contract.js';
import { ContractResolver } from '../../contract/contract-resolver.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Counter } from '../../telemetry/self-metrics.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import type { ClassifyConfig } from './config.js';
import { classify } from '../../contract/error-class/decide.js';
import { probeExpectation } from './expectation.js';

export class ClassifyProcessor implements ProcessorComponent {
  readonly mutatesData = true;
  readonly defaultContract: Contract;
  /** Unloadable named contracts are reported by the validate processor, not here. */
  private readonly contracts: ContractResolver;
  private readonly unknown: Counter;
  private readonly classes: Counter;
  private readonly errLog: RateLimitedLog;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: ClassifyConfig,
    private readonly next: Consumer,
  ) {
    this.contracts = new ContractResolver(config.contract);
    this.defaultContract = this.contracts.defaultContract;
    const m = settings.telemetry.metrics;
    this.unknown = m.counter(
      'driftwatch_classify_unknown_total',
      'Records whose error evidence or envelope shape matched nothing known.',
    );
    this.classes = m.counter('driftwatch_classify_classes_total', 'Error classes assigned, by class.');
    this.errLog = new RateLimitedLog(settings.logger);
  }

  async start(_host: Host): Promise<void> {}

  process(batch: CallRecord[], nowMs = Date.now()): void {
    // counted per batch: one counter update per class, not one per failed record
    const classes = new Map<string, number>();
    let unknownClass = 0;
    let unknownEnvelope = 0;
    const opts = { keepRequestId: this.config.keep_request_id, nowMs };
    for (const r of batch) {
      if (r.event) continue;
      if (!r.findings) r.findings = { items: [] };
      if (!r.response) r.response = { headers: {} };
      try {
        const out = classify(r, this.contracts.for(r), opts);
        const exp = probeExpectation(r);
        if (exp) r.findings.expectation = exp;
        const cls = r.findings.errorClass;
        if (cls) classes.set(cls, (classes.get(cls) ?? 0) + 1);
        if (cls === 'unknown') unknownClass++;
        if (out.unknownEnvelope) unknownEnvelope++;
      } catch (err) {
        this.settings.telemetry.error('parser_failed', 'processing');
        this.errLog.error('classify', { err: (err as Error).message }, 'A record could not be classified.');
      }
    }
    for (const [cls, n] of classes) this.classes.add(n, { class: cls });
    if (unknownClass > 0) this.unknown.add(unknownClass, { what: 'class' });
    if (unknownEnvelope > 0) this.unknown.add(unknownEnvelope, { what: 'envelope' });
  }

  consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
    this.process(batch);
    return this.next.consume(batch, ctx);
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {}
}
