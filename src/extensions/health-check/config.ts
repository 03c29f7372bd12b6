// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';

export interface HealthCheckConfig {
  /** host:port; 127.0.0.1 by default so nothing is exposed unless asked. */
  endpoint: string;
  path: string;
  metrics_path: string;
}

export const healthCheckSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: {
      type: 'string',
      default: '127.0.0.1:13133',
      pattern: '^(\\[[0-9a-fA-F:]+\\]|[^:\\s]+):\\d{1,5}$',
      description: 'host:port, e.g. 127.0.0.1:13133',
    },
    path: { type: 'string', default: '/healthz', pattern: '^/' },
    metrics_path: { type: 'string', default: '/metrics', pattern: '^/' },
  },
};

export { splitHostPort } from '../../util/host-port.js';
