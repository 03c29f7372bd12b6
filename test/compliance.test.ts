// SPDX-License-Identifier: Apache-2.0
// Every registered component passes the shared compliance suite.
import { builtinFactories } from '../src/components.js';
import { otlpHttpComplianceOverrides } from '../src/exporters/otlp-http/index.js';
import { prometheusComplianceOverrides } from '../src/exporters/prometheus/index.js';
import { accessLogComplianceOverrides } from '../src/receivers/access-log/index.js';
import { probeComplianceOverrides } from '../src/receivers/probe/index.js';
import { proxyComplianceOverrides } from '../src/receivers/proxy/index.js';
import { runComplianceSuite } from '../src/testing/compliance.js';
import type { ComplianceOverrides } from '../src/testing/compliance.js';

const overrides: ComplianceOverrides = {
  health_check: () => ({ endpoint: '127.0.0.1:0' }),
  probe: probeComplianceOverrides,
  proxy: proxyComplianceOverrides,
  ...accessLogComplianceOverrides,
  ...otlpHttpComplianceOverrides,
  ...prometheusComplianceOverrides,
};

runComplianceSuite(builtinFactories, overrides);
