// SPDX-License-Identifier: Apache-2.0
// A real HTTP CONNECT proxy over loopback for tests: it opens each tunnel it is asked for and
// notes where to, so a test can tell that a call went through it.
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface ConnectProxy {
  /** http(s)://127.0.0.1:<port> */
  url: string;
  /** host:port of every tunnel asked for, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** Answer every CONNECT with this status instead (as a proxy's allow-list would). */
  refuse?: number;
  /** Tunnel to this address whatever host was asked (a made-up name that must not resolve). */
  to?: { host: string; port: number };
  /** Never answer CONNECT (a proxy that hangs). */
  silent?: boolean;
  /** Speak TLS with this key and certificate: an https:// proxy. */
  tls?: { key: Buffer; cert: Buffer };
}

export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  // a forward proxy only: plain requests are not its business
  const onlyConnect = (_req: unknown, res: { writeHead(s: number): { end(): void } }) =>
    res.writeHead(405).end();
  const proxy = opts.tls ? createTlsServer(opts.tls, onlyConnect) : createServer(onlyConnect);
  const keep = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  proxy.on('tlsClientError', () => {});
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    keep(client);
    if (opts.silent) return client.on('error', () => {});
    if (opts.refuse) return client.end(`HTTP/1.1 ${opts.refuse} Refused\r\ncontent-length: 0\r\n\r\n`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(opts.to?.port ?? Number(port), opts.to?.host ?? host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    keep(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        proxy.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}
