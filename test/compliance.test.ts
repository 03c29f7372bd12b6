// SPDX-License-Identifier: Apache-2.0
// Every registered component passes the shared compliance suite.
import { builtinFactories } from '../src/components.js';
import { runComplianceSuite } from '../src/testing/compliance.js';
import type { ComplianceOverrides } from '../src/testing/compliance.js';

const overrides: ComplianceOverrides = {
  health_check: () => ({ endpoint: '127.0.0.1:0' }),
};

runComplianceSuite(builtinFactories, overrides);
