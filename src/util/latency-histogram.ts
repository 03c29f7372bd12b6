// SPDX-License-Identifier: Apache-2.0
// The one in-process quantile store (replay summary, status page): log-bucket histograms with
// 2 % wide buckets. A quantile reads as its bucket's upper bound, so at most 2 % high. Buckets
// are kept sparsely (only those seen), so memory is bounded by the distinct buckets hit, never
// by the number of samples, and histograms of adjacent time slots merge by adding counts.

const MIN_MS = 0.001;
const GROWTH = 1.02;
const LN_GROWTH = Math.log(GROWTH);
/** Up to ~1.9e7 ms; larger values land in the last bucket. */
const BUCKETS = 1200;

function bucketOf(ms: number): number {
  return ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LN_GROWTH));
}

function upperBound(i: number): number {
  const v = i === 0 ? 0 : MIN_MS * GROWTH ** i;
  return v >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const i = bucketOf(ms);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.count++;
  }

  /** Adds another histogram's counts to this one (windows built from time slots). */
  merge(other: LatencyHistogram): this {
    for (const [i, n] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + n);
    this.count += other.count;
    return this;
  }

  /** Nearest-rank quantile, read as the bucket's upper bound; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(i)!;
      if (seen >= rank) return upperBound(i);
    }
    return undefined;
  }
}
