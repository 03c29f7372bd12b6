// SPDX-License-Identifier: Apache-2.0
// deploy/metric-names.txt (what the alert rules and the dashboard query) must be names the code
// emits: each is prometheusName() of a metric in src/signals/names.ts, with labels it carries.
import { expect } from 'chai';
import { ALL_METRICS, prometheusLabel, prometheusName } from '../../src/signals/names.js';
import { metricNames } from './deploy-files.js';

/** Emitted Prometheus series names → labels, histograms with their _bucket/_sum/_count series. */
function emitted(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const def of ALL_METRICS) {
    const base = prometheusName(def);
    const labels = new Set(def.attributes.map(prometheusLabel));
    if (def.kind === 'histogram') {
      out.set(`${base}_bucket`, new Set([...labels, 'le']));
      out.set(`${base}_sum`, labels);
      out.set(`${base}_count`, labels);
    } else out.set(base, labels);
  }
  return out;
}

describe('deploy/metric-names.txt matches what the code emits', () => {
  const listed = metricNames();
  const produced = emitted();

  it('lists names at all (the parser read the file)', () => {
    expect(listed.size).to.be.greaterThan(5);
  });

  for (const [name, labels] of listed) {
    it(`${name} is emitted with labels ${[...labels].join(', ') || '(none)'}`, () => {
      const have = produced.get(name);
      expect(have, `${name} is not the Prometheus name of any metric in src/signals/names.ts`).to.not.equal(
        undefined,
      );
      const missing = [...labels].filter((l) => !have!.has(l));
      expect(missing, `${name}: labels not emitted`).to.deep.equal([]);
    });
  }
});
