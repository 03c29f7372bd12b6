// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { SelfMetrics } from './self-metrics.js';

describe('self-metrics: series keys and bound series', () => {
  it('one series per label set, whatever the order of its labels', () => {
    const m = new SelfMetrics();
    const c = m.counter('t_total', 'test');
    c.add(1, { b: '2', a: '1', c: '3' });
    c.add(2, { c: '3', a: '1', b: '2' });
    c.add(4, { a: '1', b: '2' });
    expect(m.value('t_total', { a: '1', b: '2', c: '3' })).to.equal(3);
    expect(m.value('t_total', { b: '2', a: '1' })).to.equal(4);
    expect(m.snapshot()[0].series).to.have.length(2);
  });

  it('a bound counter shows no series before its first add, then counts into the same series as add()', () => {
    const m = new SelfMetrics();
    const c = m.counter('t_total', 'test');
    const bound = c.bind({ reason: 'x', receiver: 'proxy' });
    expect(m.renderPrometheus()).to.not.include('t_total{');
    bound.add(0);
    expect(m.renderPrometheus()).to.not.include('t_total{');
    bound.add(2);
    c.add(1, { receiver: 'proxy', reason: 'x' });
    bound.add(1);
    expect(m.value('t_total', { reason: 'x', receiver: 'proxy' })).to.equal(4);
    expect(m.snapshot()[0].series).to.have.length(1);
  });

  it('a bound counter keeps the labels it was bound with, not the caller object', () => {
    const m = new SelfMetrics();
    const labels = { reason: 'x' };
    const bound = m.counter('t_total', 'test').bind(labels);
    labels.reason = 'changed';
    bound.add(1);
    expect(m.renderPrometheus()).to.include('t_total{reason="x"} 1');
  });

  it('a bound gauge sets the series gauge.set() sets, and sets it again after a remove', () => {
    const m = new SelfMetrics();
    const g = m.gauge('t_gauge', 'test');
    const bound = g.bind({ state: 'open', target: 't' });
    bound.set(3);
    expect(g.get({ target: 't', state: 'open' })).to.equal(3);
    g.set(5, { target: 't', state: 'open' });
    expect(m.value('t_gauge', { state: 'open', target: 't' })).to.equal(5);
    g.remove({ state: 'open', target: 't' });
    bound.set(1);
    expect(g.get({ state: 'open', target: 't' })).to.equal(1);
  });
});
