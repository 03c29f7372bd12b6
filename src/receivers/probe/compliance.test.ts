// SPDX-License-Identifier: Apache-2.0
// The shared compliance suite over the probe factory, with the overrides the lead's
// test/compliance.test.ts should use for it (exported from index.ts), and without them (the
// default config has no base_url: the receiver reports a permanent error and idles).
import type { AnyFactory } from '../../component/factory.js';
import { runComplianceSuite } from '../../testing/compliance.js';
import { probeComplianceOverrides, probeReceiverFactory } from './index.js';

describe('probe with compliance overrides', () => {
  runComplianceSuite([probeReceiverFactory as AnyFactory], { probe: probeComplianceOverrides });
});
describe('probe with its default config', () => {
  runComplianceSuite([probeReceiverFactory as AnyFactory]);
});
