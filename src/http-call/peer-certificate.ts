// SPDX-License-Identifier: Apache-2.0
// What a TLS connection tells of the server it reached: days until its certificate expires and
// the protocol, read once per connection by whoever opened it (a probe, the proxy's client).
import type { PeerCertificate, TLSSocket } from 'node:tls';

/** Days until `cert` expires, one decimal (negative once expired); undefined without a date. */
function daysLeft(cert: PeerCertificate, now = Date.now()): number | undefined {
  const end = Date.parse(cert.valid_to);
  return Number.isFinite(end) ? Math.floor(((end - now) / 86_400_000) * 10) / 10 : undefined;
}

/** What a TLS connection says of its server: the shape of a CallRecord's `tls`. */
export interface PeerTls {
  certDaysLeft?: number;
  protocol?: string;
}

/** The peer certificate's days left and the protocol of a connected TLS socket. */
export function peerTls(s: TLSSocket): PeerTls {
  const out: PeerTls = {};
  const cert = s.getPeerCertificate();
  if (cert && cert.valid_to) {
    const days = daysLeft(cert);
    if (days !== undefined) out.certDaysLeft = days;
  }
  const protocol = s.getProtocol();
  if (protocol) out.protocol = protocol;
  return out;
}
