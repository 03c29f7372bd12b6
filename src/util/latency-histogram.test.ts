// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { LatencyHistogram } from './latency-histogram.js';

describe('latency histogram (the one quantile store)', () => {
  it('reads quantiles at most 2 % high, and merged slots equal one histogram of all values', () => {
    const whole = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let v = 1; v <= 1000; v++) {
      whole.add(v);
      (v % 2 ? a : b).add(v);
    }
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = Math.ceil(q * 1000);
      expect(whole.quantile(q)).to.be.within(exact, exact * 1.02);
    }
    const merged = new LatencyHistogram().merge(a).merge(b);
    expect(merged.count).to.equal(1000);
    expect(merged.quantile(0.95)).to.equal(whole.quantile(0.95));
  });

  it('ignores what is no duration and answers undefined when empty', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.5)).to.equal(undefined);
    h.add(Number.NaN);
    h.add(-1);
    expect(h.count).to.equal(0);
    h.add(0);
    expect(h.quantile(0.5)).to.equal(0);
  });
});
