// SPDX-License-Identifier: Apache-2.0
// A bounded sample window for p50/p95: the last N values, so memory stays fixed however long
// the agent runs, and the page reflects recent behaviour.

export class SampleWindow {
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;
  count = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  add(v: number): void {
    if (!Number.isFinite(v)) return;
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.values.length;
    if (this.size < this.values.length) this.size++;
    this.count++;
  }

  /** Nearest-rank quantile over the window; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.size === 0) return undefined;
    const sorted = Array.from(this.values.subarray(0, this.size)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank];
  }
}
