// SPDX-License-Identifier: Apache-2.0
// The heap growth setting: default, explicit value, V8's own (0), and ignored nonsense; and
// allocation-site pretenuring, off unless asked for.
import { expect } from 'chai';
import { applyHeapGrowth, applyPretenuring, DEFAULT_HEAP_GROWING_PERCENT } from './heap-growth.js';

describe('heap growth setting', () => {
  // leave this test process as V8 had it
  after(() => applyHeapGrowth({ DRIFTWATCH_HEAP_GROWING_PERCENT: '0' }));

  it('applies 20 % by default, a whole number when given, 0 for V8 defaults', () => {
    expect(DEFAULT_HEAP_GROWING_PERCENT).to.equal(20);
    expect(applyHeapGrowth({})).to.equal(20);
    expect(applyHeapGrowth({ DRIFTWATCH_HEAP_GROWING_PERCENT: '50' })).to.equal(50);
    expect(applyHeapGrowth({ DRIFTWATCH_HEAP_GROWING_PERCENT: '0' })).to.equal(0);
  });

  it('ignores a value that is not a whole percentage', () => {
    for (const v of ['abc', '-5', '1.5', '5000'])
      expect(applyHeapGrowth({ DRIFTWATCH_HEAP_GROWING_PERCENT: v }), v).to.equal(undefined);
  });
});

describe('allocation-site pretenuring setting', () => {
  // leave this test process as V8 had it
  after(() => applyPretenuring({ DRIFTWATCH_ALLOCATION_SITE_PRETENURING: '1' }));

  it('is turned off by default and kept only when asked for with 1', () => {
    expect(applyPretenuring({})).to.equal(true);
    expect(applyPretenuring({ DRIFTWATCH_ALLOCATION_SITE_PRETENURING: '0' })).to.equal(true);
    expect(applyPretenuring({ DRIFTWATCH_ALLOCATION_SITE_PRETENURING: '1' })).to.equal(false);
  });
});
