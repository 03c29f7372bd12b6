// SPDX-License-Identifier: Apache-2.0
import { accessSync, constants } from 'node:fs';
import type { ConfigProblem, ReceiverFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { probeReceiverSchema } from './config.js';
import type { ProbeReceiverConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('probe', () => import('./probe-receiver.js'));

export function validateProbeConfig(
  cfg: ProbeReceiverConfig,
  ctx: { environment?: string },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!cfg.base_url) {
    problems.push({ path: ['base_url'], message: 'is required, e.g. https://api.cometapi.com/v1' });
  } else {
    let url: URL | undefined;
    try {
      url = new URL(cfg.base_url);
    } catch {
      problems.push({ path: ['base_url'], message: `"${cfg.base_url}" is not a valid URL` });
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push({
        path: ['base_url'],
        message: `must be an http:// or https:// URL (got ${url.protocol})`,
      });
    }
    if (url && (url.username || url.password)) {
      problems.push({ path: ['base_url'], message: 'must not carry credentials; use api_key' });
    }
  }
  if (cfg.proxy) {
    try {
      new URL(cfg.proxy);
    } catch {
      problems.push({ path: ['proxy'], message: 'is not a valid URL, e.g. http://proxy.internal:3128' });
    }
  }
  if (cfg.tls.ca_file) {
    try {
      accessSync(cfg.tls.ca_file, constants.R_OK);
    } catch {
      problems.push({ path: ['tls', 'ca_file'], message: `cannot read "${cfg.tls.ca_file}"` });
    }
  }
  const production = cfg.environment === 'production' || ctx.environment === 'production';
  const seen = new Set<string>();
  cfg.probes.forEach((p, i) => {
    if (seen.has(p.name))
      problems.push({ path: ['probes', String(i), 'name'], message: `duplicate probe name "${p.name}"` });
    seen.add(p.name);
    if (p.kind === 'invalid_request' && production && !p.allow_in_production) {
      problems.push({
        path: ['probes', String(i), 'kind'],
        message:
          'invalid_request probes are refused in environment "production" (they send deliberately bad requests); ' +
          'set allow_in_production: true on this probe to run it anyway',
      });
    }
  });
  return problems;
}

export const probeReceiverFactory: ReceiverFactory<ProbeReceiverConfig> = {
  type: 'probe',
  kind: 'receiver',
  stability: 'alpha',
  description:
    'Synthetic contract probes of an OpenAI-compatible chat-completions endpoint, with phase timings and streaming.',
  configSchema: probeReceiverSchema,
  createDefaultConfig: () => defaultsFromSchema<ProbeReceiverConfig>(probeReceiverSchema),
  validate: (cfg, ctx) => validateProbeConfig(cfg, ctx),
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().ProbeReceiver)(settings, config, next),
};

/**
 * Compliance-suite overrides (for `runComplianceSuite(factories, overrides)`): the default
 * config has no base_url; this points the receiver at a closed loopback port, with a long
 * interval and no jitter-induced traffic during the short suite.
 */
export const probeComplianceOverrides = (_dataDir: string): Record<string, unknown> => ({
  base_url: 'http://127.0.0.1:9/v1',
  start_jitter: false,
  probes: [{ name: 'compliance', kind: 'chat', interval: '1h' }],
});
