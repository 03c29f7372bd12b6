// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';

export interface PrometheusConfig {
  /** host:port to listen on; loopback by default (DESIGN.md §6). */
  endpoint: string;
  path: string;
  contract: boolean;
  genai: boolean;
  /** Copy the resource attributes onto every series (they are always on `target_info`). */
  resource_to_telemetry_conversion: { enabled: boolean };
}

export const prometheusSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: {
      type: 'string',
      pattern: '^(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9_.-]+):[0-9]{1,5}$',
      default: '127.0.0.1:9464',
      description: 'host:port of the pull endpoint (port 0 picks a free port).',
    },
    path: { type: 'string', pattern: '^/', default: '/metrics' },
    contract: { type: 'boolean', default: true, description: 'Serve the reliability-guide family (llm_*).' },
    genai: { type: 'boolean', default: true, description: 'Serve the GenAI conventions family (gen_ai_*).' },
    resource_to_telemetry_conversion: {
      type: 'object',
      additionalProperties: false,
      default: { enabled: false },
      description:
        "Resource attributes are always on the target_info series; enabled copies them onto every series as labels too (the Collector prometheus exporter's option).",
      properties: { enabled: { type: 'boolean', default: false } },
    },
  },
};

export { splitHostPort } from '../../util/host-port.js';
