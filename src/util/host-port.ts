// SPDX-License-Identifier: Apache-2.0
// `host:port` of a listen endpoint (IPv6 in brackets), shared by every component that listens.

export function splitHostPort(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(endpoint.slice(i + 1)) };
}
