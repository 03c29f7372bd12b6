// SPDX-License-Identifier: Apache-2.0
// Known deviations are stated once. A deviation a contract accepts (`accepted`, with reason and
// review date) stops counting: its finding becomes `info` naming the contract line. A deviation
// seen before on the same target is known drift: it stays visible as a `warning` and in the
// gauge of current deviations per target, but is not a drift event again; only a change (a new
// finding on that target) keeps the verdict `drift`. New and resolved deviations are logged once.
import type { Logger } from '../../telemetry/logger.js';
import type { CallRecord, Finding, Findings } from '../../model/call-record.js';
import type { Contract } from '../../contract/contract.js';
import { acceptedFor, acceptedNote } from '../../contract/contract.js';
import type { BoundGauge, Gauge } from '../../telemetry/self-metrics.js';

const MAX_TARGETS = 256;
const MAX_PER_TARGET = 64;

interface TargetState {
  open: BoundGauge;
  accepted: BoundGauge;
  /** finding key → accepted (true) or open (false) */
  current: Map<string, boolean>;
  /** No record yet: the gauges are still to be set. */
  fresh: boolean;
}

const keyOf = (i: Finding) => `${i.level === 'info' ? 'drift' : i.level}:${i.kind}:${i.path}:${i.note ?? ''}`;

export class KnownDrift {
  private readonly targets = new Map<string, TargetState>();

  constructor(
    private readonly gauge: Gauge,
    private readonly logger: Logger,
  ) {}

  /** Forgets every target (offline judging: each input is judged on its own). */
  clear(): void {
    this.targets.clear();
  }

  /** Applies the contract's `accepted` list and the known-drift rule to one judged record. */
  apply(r: CallRecord, c: Contract, subjectKind: string, shapeKnown: boolean, nowMs: number): void {
    const f = r.findings;
    const drift = f.items.filter((i) => i.level === 'drift' && i.kind !== 'shape');
    for (const i of drift) {
      const a = acceptedFor(c, i.path, i.kind, nowMs);
      if (a) {
        i.level = 'info';
        i.note = acceptedNote(a);
      }
    }
    const t = r.target ?? { provider: 'unknown', endpoint: '' };
    const target = `${t.provider}|${t.serverAddress ?? ''}|${t.endpoint}|${r.request.probe ?? r.source}`;
    const key = `${c.id}|${target}|${subjectKind}`;
    let st = this.targets.get(key);
    if (!st) {
      if (this.targets.size >= MAX_TARGETS) return; // bounded: past it, every deviation stays an event
      st = {
        // one series per subject: a target's answers and its error envelopes (or streamed chunks)
        // deviate apart, and one series written from both would show whichever came last
        open: this.gauge.bind({ contract: c.id, target, subject: subjectKind, state: 'open' }),
        accepted: this.gauge.bind({ contract: c.id, target, subject: subjectKind, state: 'accepted' }),
        current: new Map(),
        fresh: true,
      };
      this.targets.set(key, st);
    }
    const keys = drift.map(keyOf);
    const now = new Map<string, boolean>();
    drift.forEach((i, n) => now.set(keys[n], i.level === 'info'));
    for (const [n, i] of drift.entries()) {
      const k = keys[n];
      if (i.level === 'info') {
        if (!st.current.has(k))
          this.logger.info(
            { contract: c.id, target, finding: `${i.kind} ${i.path}`, accepted: i.note },
            'Known drift accepted by the contract.',
          );
        continue;
      }
      // a field outside the contract in a shape learned before (persisted across restarts) is not news
      const seen = st.current.has(k) || (shapeKnown && i.note === 'not_in_contract');
      if (seen)
        i.level = 'warning'; // known drift: stated once, not an event per call
      else
        this.logger.warn(
          { contract: c.id, target, finding: `${i.kind} ${i.path}`, note: i.note },
          "New contract deviation on this target; reported once, then as known drift (accept it in the contract's `accepted` list if it is a standing trait).",
        );
    }
    explainShapeChange(f);
    const kept = now.size > MAX_PER_TARGET ? new Map([...now].slice(0, MAX_PER_TARGET)) : now;
    // the common case, a target as it was on the previous record: nothing to log or to set
    if (!st.fresh && sameFindings(kept, st.current)) return;
    st.fresh = false;
    for (const k of st.current.keys())
      if (!now.has(k))
        this.logger.info({ contract: c.id, target, finding: k }, 'Contract deviation resolved.');
    st.current = kept;
    let open = 0;
    let accepted = 0;
    for (const v of st.current.values())
      if (v) accepted++;
      else open++;
    st.open.set(open);
    st.accepted.set(accepted);
  }
}

/** The same findings, accepted or open alike, as on the target's previous record. */
function sameFindings(now: Map<string, boolean>, before: Map<string, boolean>): boolean {
  if (now.size !== before.size) return false;
  for (const [k, v] of now) if (before.get(k) !== v) return false;
  return true;
}

/**
 * A new shape whose every changed path is a deviation already accepted or known on this record
 * (a server that never sends `refusal`) is that deviation again, not news: the shape finding
 * takes the deviation's level and the shape diff (the drift event) is dropped. The shape is
 * still learned.
 */
function explainShapeChange(f: Findings): void {
  const shape = f.items.find((i) => i.kind === 'shape' && i.level === 'drift' && i.note?.startsWith('new_'));
  if (!shape || !f.shapeDiff) return;
  const known = f.items.filter((i) => i.kind !== 'shape' && (i.level === 'warning' || isAccepted(i)));
  const bare = (p: string) => p.replace(/^chunk\./, '');
  const covers = (i: Finding, p: string) => {
    const k = bare(i.path);
    return p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`);
  };
  const d = f.shapeDiff;
  const paths = [...d.added, ...d.removed, ...d.changed.map((c) => c.slice(0, c.lastIndexOf(':')))].map(bare);
  if (paths.length === 0) return;
  const by = paths.map((p) => known.find((i) => covers(i, p)));
  if (by.some((i) => i === undefined)) return;
  shape.level = by.every((i) => isAccepted(i!)) ? 'info' : 'warning';
  shape.note = `${shape.note}_known_drift`;
  delete f.shapeDiff;
}

const isAccepted = (i: Finding) => i.level === 'info' && i.note?.startsWith('accepted:') === true;
