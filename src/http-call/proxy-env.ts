// SPDX-License-Identifier: Apache-2.0
// Which proxy a call to an origin goes through: an explicit one, or HTTPS_PROXY / HTTP_PROXY
// unless NO_PROXY matches (curl's rules). Shared by the probe and the proxy receiver.

/** NO_PROXY matching as curl does it: `*`, exact host, `.suffix` or bare suffix, optional `:port`. */
export function noProxyMatches(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1].replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

export function proxyFor(opts: { origin: URL; proxy: string; env: NodeJS.ProcessEnv }): string | undefined {
  if (opts.proxy) return opts.proxy;
  const e = opts.env;
  const fromEnv =
    opts.origin.protocol === 'https:'
      ? (e.HTTPS_PROXY ?? e.https_proxy ?? e.HTTP_PROXY ?? e.http_proxy)
      : (e.HTTP_PROXY ?? e.http_proxy);
  if (!fromEnv) return undefined;
  const noProxy = e.NO_PROXY ?? e.no_proxy ?? '';
  return noProxyMatches(opts.origin, noProxy) ? undefined : fromEnv;
}
