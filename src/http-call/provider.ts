// SPDX-License-Identifier: Apache-2.0
// The provider id of a call: the configured one, else guessed from well-known host names.

/** Low-cardinality provider name: configured, else from the host name. */
export function providerOf(cfg: { provider?: string }, url: URL): string {
  if (cfg.provider) return cfg.provider;
  const h = url.hostname;
  if (h.endsWith('cometapi.com')) return 'cometapi';
  if (h.endsWith('openai.com')) return 'openai';
  if (h.endsWith('openrouter.ai')) return 'openrouter';
  if (h.endsWith('groq.com')) return 'groq';
  if (h.endsWith('openai.azure.com')) return 'azure_openai';
  if (h === '127.0.0.1' || h === 'localhost' || h === '[::1]') return 'local';
  return 'openai_compatible';
}
