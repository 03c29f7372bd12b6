// SPDX-License-Identifier: Apache-2.0
// The proxy's own counts, kept where the calls are forwarded and handed to the agent's
// self-metrics with each batch of records (the forwarding thread has no registry of its own).
// A series is keyed once per status class or reason: there are few, and calls are many.

/** The proxy receiver's counters (names and help in `proxy-receiver.ts`). */
export type ProxyCounter = 'calls' | 'unjudged' | 'dropped' | 'judgeErrors' | 'connections';

export interface TallyEntry {
  key: string;
  counter: ProxyCounter;
  labels: Record<string, string>;
  n: number;
}

export class Tally {
  private readonly series = new Map<string, TallyEntry>();
  private changed = false;

  add(key: string, counter: ProxyCounter, labels: Record<string, string>, n = 1): void {
    let e = this.series.get(key);
    if (!e) this.series.set(key, (e = { key, counter, labels, n: 0 }));
    e.n += n;
    this.changed = true;
  }

  get pending(): boolean {
    return this.changed;
  }

  /** What was counted since the last call (and resets it). */
  take(): TallyEntry[] {
    const out: TallyEntry[] = [];
    if (!this.changed) return out;
    for (const e of this.series.values())
      if (e.n > 0) {
        out.push({ ...e });
        e.n = 0;
      }
    this.changed = false;
    return out;
  }
}
