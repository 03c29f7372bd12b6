// SPDX-License-Identifier: Apache-2.0
import { accessSync, constants } from 'node:fs';
import type { ConfigProblem, ReceiverFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { proxyReceiverSchema } from './config.js';
import type { ProxyReceiverConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('proxy', () => import('./proxy-receiver.js'));

export function validateProxyConfig(cfg: ProxyReceiverConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!cfg.upstream) {
    problems.push({ path: ['upstream'], message: 'is required, e.g. https://api.openai.com' });
  } else {
    let url: URL | undefined;
    try {
      url = new URL(cfg.upstream);
    } catch {
      problems.push({ path: ['upstream'], message: `"${cfg.upstream}" is not a valid URL` });
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
      problems.push({
        path: ['upstream'],
        message: `must be an http:// or https:// URL (got ${url.protocol})`,
      });
    if (url && (url.username || url.password))
      problems.push({ path: ['upstream'], message: 'must not carry credentials; clients send their own' });
    if (url && (url.search || url.hash))
      problems.push({ path: ['upstream'], message: 'is a base URL: no query or fragment' });
  }
  const m = /^(\[[^\]]+\]|[^:[\]]*):(\d{1,5})$/.exec(cfg.endpoint);
  if (!m || Number(m[2]) > 65535)
    problems.push({ path: ['endpoint'], message: `"${cfg.endpoint}" is not host:port, e.g. 127.0.0.1:8787` });
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
  if (cfg.tenant.header && !cfg.tenant.hmac_key)
    problems.push({
      path: ['tenant', 'hmac_key'],
      message:
        'is required with tenant.header (the tenant id is only ever kept as an HMAC), e.g. ${env:DW_TENANT_KEY}',
    });
  if (cfg.max_body_bytes > cfg.max_request_bytes && cfg.max_request_bytes < 1024)
    problems.push({ path: ['max_request_bytes'], message: 'is too small' });
  return problems;
}

export const proxyReceiverFactory: ReceiverFactory<ProxyReceiverConfig> = {
  type: 'proxy',
  kind: 'receiver',
  stability: 'alpha',
  description:
    'A reverse proxy in front of an OpenAI-compatible API: forwards real calls unchanged and judges each one on the side, fail-open.',
  configSchema: proxyReceiverSchema,
  createDefaultConfig: () => defaultsFromSchema<ProxyReceiverConfig>(proxyReceiverSchema),
  validate: (cfg) => validateProxyConfig(cfg),
  load: implementation.load,
  create: (settings, config, next) => new (implementation.get().ProxyReceiver)(settings, config, next),
};
