// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';
import { durationSchema } from '../../util/duration.js';

export interface HealthCheckConfig {
  /** host:port; 127.0.0.1 by default so nothing is exposed unless asked. */
  endpoint: string;
  path: string;
  metrics_path: string;
  /** A component in recoverable_error (an exporter whose every export fails) this long is degraded. */
  degraded_after?: string;
  /** Collector confighttp names: a client slower than these is cut off (slowloris). */
  read_header_timeout?: string;
  read_timeout?: string;
  idle_timeout?: string;
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
    degraded_after: durationSchema(
      '5m',
      'a component failing this long without a success (an exporter whose every export fails) shows as degraded on /healthz',
    ),
    read_header_timeout: durationSchema(
      '10s',
      'longest time a client may take to send the request headers; slower clients are cut off',
    ),
    read_timeout: durationSchema('30s', 'longest time a client may take to send the whole request'),
    idle_timeout: durationSchema('5s', 'how long an idle keep-alive connection stays open'),
  },
};

export { splitHostPort } from '../../util/host-port.js';
