// SPDX-License-Identifier: Apache-2.0
import type { AttrSet } from './attr-set.js';
import type { MetricDef } from './names.js';

/** What the record→metric functions write into: a batch's metric view (metric-view.ts) or a test sink. */
export interface MetricSink {
  add(def: MetricDef, value: number, set: AttrSet): void;
}
