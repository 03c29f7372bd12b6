// SPDX-License-Identifier: Apache-2.0
// Judges every call against its contract (the receiver's `target.contract`, else the configured
// one), fingerprints body shapes, and announces new shapes once (persisted across restarts).
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer, ConsumeContext } from '../../component/consumer.js';
import type { ProcessorComponent } from '../../component/factory.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Contract } from '../../contract/contract.js';
import { ContractResolver } from '../../contract/contract-resolver.js';
import { addFinding, verdictOf } from '../../contract/findings.js';
import { shapeAndHash } from '../../contract/shape.js';
import { ShapeStore } from '../../contract/shape-store.js';
import type { Counter } from '../../telemetry/self-metrics.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import type { ValidateConfig } from './config.js';
import { judge } from './judge.js';
import { KnownDrift } from './known-drift.js';

/** Longest stretch of judging before the event loop gets a turn. */
const SLICE_MS = 8;

/** Probes that provoke a failure on purpose; classify judges them as expectations. */
export function isDeliberateProbe(r: CallRecord): boolean {
  const k = r.request?.probeKind;
  return k === 'invalid_request' || k === 'timeout_boundary';
}

/**
 * A deliberate probe is never a contract violation: what it provoked is judged by its expectation
 * (`findings.expectation`, set by classify). Its findings stay visible as warnings.
 */
function keepOutOfViolations(r: CallRecord): void {
  for (const i of r.findings.items) if (i.level === 'violation') i.level = 'warning';
}

export class ValidateProcessor implements ProcessorComponent {
  readonly mutatesData = true;
  readonly defaultContract: Contract;
  readonly shapes: ShapeStore;
  private readonly contracts: ContractResolver;
  private readonly newShapes: Counter;
  private readonly verdicts: Counter;
  private readonly errLog: RateLimitedLog;
  private loaded = false;
  private readonly known: KnownDrift;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: ValidateConfig,
    private readonly next: Consumer,
  ) {
    this.contracts = new ContractResolver(config.contract, (contract, err) => {
      settings.telemetry.error('config_failed', 'processing');
      settings.logger.error(
        { contract, err: err.message },
        'Contract named by a receiver cannot be loaded; using the default contract.',
      );
    });
    this.defaultContract = this.contracts.defaultContract;
    this.shapes = new ShapeStore(config.shapes.persist ? settings.dataDir : undefined, {
      maxKeys: config.shapes.max_keys,
      maxShapesPerKey: config.shapes.max_shapes_per_key,
    });
    const m = settings.telemetry.metrics;
    this.newShapes = m.counter(
      'driftwatch_validate_new_shapes_total',
      'New response shapes announced as drift.',
    );
    this.verdicts = m.counter('driftwatch_validate_verdicts_total', 'Contract verdicts by value.');
    this.errLog = new RateLimitedLog(settings.logger);
    this.known = new KnownDrift(
      m.gauge(
        'driftwatch_validate_known_drift',
        'Current contract deviations per target and subject (response, chunk, error): state=open (known drift, reported once) or accepted (by the contract).',
      ),
      settings.logger,
    );
  }

  async start(_host: Host): Promise<void> {
    this.loadShapes();
  }

  private loadShapes(): void {
    if (this.loaded) return;
    this.loaded = true;
    const r = this.shapes.load();
    if (r.error)
      this.settings.logger.warn({ error: r.error }, 'Known shapes could not be read; learning again.');
  }

  /** Judges records in place (also used by `check-response`). */
  process(batch: CallRecord[], nowMs = Date.now()): void {
    this.loadShapes();
    for (const r of batch) this.judgeOne(r, nowMs);
    this.shapes.flush();
  }

  /**
   * `process` for the pipeline: judging a body can take milliseconds (within the receivers' JSON
   * limits), so after each body, once a slice of `SLICE_MS` is used up, the event loop gets a
   * turn (health checks, probe timings, other batches) before the next record is judged.
   * Records without a body (access-log lines) cost no clock read.
   */
  private async processSliced(batch: CallRecord[], nowMs = Date.now()): Promise<void> {
    this.loadShapes();
    let sliceStart = performance.now();
    for (const r of batch) {
      this.judgeOne(r, nowMs);
      const res = r.response;
      if (res?.body === undefined && res?.stream?.chunks === undefined) continue;
      if (performance.now() - sliceStart < SLICE_MS) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    this.shapes.flush();
  }

  private judgeOne(r: CallRecord, nowMs: number): void {
    if (r.event) return;
    if (!r.findings) r.findings = { items: [] };
    if (!r.response) r.response = { headers: {} };
    if (!r.request) r.request = { method: 'POST', route: '', synthetic: false };
    try {
      const c = this.contracts.for(r);
      const subject = judge(r, c, this.config.max_findings, nowMs);
      let shapeKnown = false;
      if (subject && subject.values.length > 0 && this.config.shapes.enabled)
        shapeKnown = this.fingerprint(r, c, subject.kind, subject.values);
      if (subject) this.known.apply(r, c, subject.kind, shapeKnown, nowMs);
      // counted after the known-drift rule: a shape change it explains is not a new shape
      if (subject && r.findings.shapeDiff)
        this.newShapes.add(1, { processor: this.settings.id, kind: subject.kind });
      if (isDeliberateProbe(r)) keepOutOfViolations(r);
      if (subject || r.findings.items.length > 0) r.findings.verdict = verdictOf(r.findings.items);
      if (r.findings.verdict) this.verdicts.add(1, { verdict: r.findings.verdict });
    } catch (err) {
      this.settings.telemetry.error('parser_failed', 'processing');
      this.errLog.error(
        'judge',
        { err: (err as Error).message },
        'A record could not be judged; passed on unjudged.',
      );
    }
  }

  /** Forgets learned shapes and known drift, so the next record is judged as on a fresh start. */
  forget(): void {
    this.shapes.clear();
    this.known.clear();
  }

  /** True when the shape was seen before (learned earlier, persisted, or pinned), not just learned. */
  private fingerprint(r: CallRecord, c: Contract, kind: string, values: unknown[]): boolean {
    const { shape, hash } = shapeAndHash(values);
    r.findings.shapeHash = hash;
    if (!c.shapes.learn) {
      // only the pinned baseline counts; with none pinned the hash is informational
      if (c.shapes.baseline.size > 0 && !c.shapes.baseline.has(hash))
        addFinding(
          r.findings,
          { path: '$', kind: 'shape', level: 'drift', note: 'unpinned_shape' },
          this.config.max_findings,
        );
      return c.shapes.baseline.has(hash);
    }
    const t = r.target ?? { provider: 'unknown', endpoint: '' };
    const model = r.response.model ?? r.request.model ?? '';
    const key = `${c.id}|${t.provider}|${t.serverAddress ?? ''}|${t.endpoint}|${model}|${kind}`;
    const o = this.shapes.observe(key, hash, shape, c.shapes.baseline);
    // the first shape is learned silently, but it is news for the known-drift rule (a fresh check)
    if (o.known || o.baseline) return o.known;
    if (o.overflow) {
      // not learned, so it would repeat on every record: a finding, never a repeated event
      addFinding(
        r.findings,
        { path: '$', kind: 'shape', level: 'drift', note: 'shape_store_full' },
        this.config.max_findings,
      );
      return false;
    }
    if (o.diff) {
      r.findings.shapeDiff = o.diff;
      addFinding(
        r.findings,
        { path: '$', kind: 'shape', level: 'drift', note: `new_${kind}_shape` },
        this.config.max_findings,
      );
    }
    return false;
  }

  async consume(batch: CallRecord[], ctx: ConsumeContext): Promise<void> {
    try {
      await this.processSliced(batch);
    } catch (err) {
      // persisting shapes failed (disk full, permissions): judging still happened
      this.settings.telemetry.error('io_failed', 'processing');
      this.errLog.error('persist', { err: (err as Error).message }, 'Known shapes could not be saved.');
    }
    return this.next.consume(batch, ctx);
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    try {
      this.shapes.flush();
    } catch {
      // already reported on consume
    }
  }
}
