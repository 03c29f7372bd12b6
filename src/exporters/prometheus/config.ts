// SPDX-License-Identifier: Apache-2.0
import { Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const prometheusSchema = Settings({
  /** host:port to listen on; loopback by default (DESIGN.md §6). */
  endpoint: Type.String({
    pattern: '^(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9_.-]+):[0-9]{1,5}$',
    default: '127.0.0.1:9464',
    description: 'host:port of the pull endpoint (port 0 picks a free port).',
  }),
  path: Type.String({ pattern: '^/', default: '/metrics' }),
  contract: Type.Boolean({ default: true, description: 'Serve the reliability-guide family (llm_*).' }),
  genai: Type.Boolean({ default: true, description: 'Serve the GenAI conventions family (gen_ai_*).' }),
  /** Copy the resource attributes onto every series (they are always on `target_info`). */
  resource_to_telemetry_conversion: Settings(
    { enabled: Type.Boolean({ default: false }) },
    {
      default: { enabled: false },
      description:
        "Resource attributes are always on the target_info series; enabled copies them onto every series as labels too (the Collector prometheus exporter's option).",
    },
  ),
});

export type PrometheusConfig = Static<typeof prometheusSchema>;
