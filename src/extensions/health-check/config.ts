// SPDX-License-Identifier: Apache-2.0
import { Duration, Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const healthCheckSchema = Settings({
  /** host:port; 127.0.0.1 by default so nothing is exposed unless asked. */
  endpoint: Type.String({
    default: '127.0.0.1:13133',
    pattern: '^(\\[[0-9a-fA-F:]+\\]|[^:\\s]+):\\d{1,5}$',
    description: 'host:port, e.g. 127.0.0.1:13133',
  }),
  path: Type.String({ default: '/healthz', pattern: '^/' }),
  metrics_path: Type.String({ default: '/metrics', pattern: '^/' }),
  degraded_after: Duration(
    '5m',
    'a component failing this long without a success (an exporter whose every export fails) shows as degraded on /healthz',
  ),
  // Collector confighttp names: a client slower than these is cut off (slowloris).
  read_header_timeout: Duration(
    '10s',
    'longest time a client may take to send the request headers; slower clients are cut off',
  ),
  read_timeout: Duration('30s', 'longest time a client may take to send the whole request'),
  idle_timeout: Duration('5s', 'how long an idle keep-alive connection stays open'),
});

export type HealthCheckConfig = Static<typeof healthCheckSchema>;
