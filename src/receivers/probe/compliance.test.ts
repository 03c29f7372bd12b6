// SPDX-License-Identifier: Apache-2.0
// The shared compliance suite over the probe factory, with the overrides the lead's
// test/compliance.test.ts should use for it (exported from index.ts).
import type { AnyFactory } from '../../component/factory.js';
import { runComplianceSuite } from '../../testing/compliance.js';
import { probeComplianceOverrides, probeReceiverFactory } from './index.js';

runComplianceSuite([probeReceiverFactory as AnyFactory], { probe: probeComplianceOverrides });
