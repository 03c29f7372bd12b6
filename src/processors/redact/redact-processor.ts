// SPDX-License-Identifier: Apache-2.0
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer, ConsumeContext } from '../../component/consumer.js';
import type { ProcessorComponent } from '../../component/factory.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Counter } from '../../telemetry/self-metrics.js';
import type { RedactConfig } from './config.js';
import { redactRecord } from './redact.js';
import type { RedactPlan } from './redact.js';
import { Scrubber } from '../../util/scrubber.js';

export class RedactProcessor implements ProcessorComponent {
  readonly mutatesData = true;
  readonly plan: RedactPlan;
  private readonly redactions: Counter;
  private warnedNoKey = false;

  constructor(
    private readonly settings: CreateSettings,
    config: RedactConfig,
    private readonly next: Consumer,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const headers = config.allowed_headers.map((h) => h.toLowerCase());
    const key = env[config.hmac_key_env];
    this.plan = {
      keepContent: config.keep_content,
      headerExact: new Set(headers.filter((h) => !h.endsWith('*'))),
      headerPrefixes: headers.filter((h) => h.endsWith('*')).map((h) => h.slice(0, -1)),
      hmacKey: key && key.length > 0 ? key : undefined,
      hmacFields: config.hmac_fields.map((f) => f.split('.')),
      scrubber: new Scrubber({
        bearer: config.patterns.bearer,
        apiKeys: config.patterns.api_keys,
        emails: config.patterns.emails,
        extra: config.patterns.extra,
        sensitive: [...settings.sensitive, ...(key ? [key] : [])],
      }),
    };
    this.redactions = settings.telemetry.metrics.counter(
      'driftwatch_redact_redactions_total',
      'Values removed or masked by the redact processor, by rule.',
    );
  }

  async start(_host: Host): Promise<void> {
    if (!this.plan.hmacKey && !this.warnedNoKey) {
      this.warnedNoKey = true;
      this.settings.logger.warn(
        'No HMAC key in the environment: tenant and user ids will be dropped, not hashed.',
      );
    }
  }

  process(batch: CallRecord[]): void {
    // summed per batch: one counter update per rule, not one per record
    let byRule: Map<string, number> | undefined;
    for (const r of batch) {
      if (r.event) continue;
      redactRecord(r, this.plan);
      const red = r.findings?.redactions;
      if (red) for (const rule in red) (byRule ??= new Map()).set(rule, (byRule.get(rule) ?? 0) + red[rule]);
    }
    if (byRule) for (const [rule, n] of byRule) this.redactions.add(n, { rule });
  }

  consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
    this.process(batch);
    return this.next.consume(batch, ctx);
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {}
}
