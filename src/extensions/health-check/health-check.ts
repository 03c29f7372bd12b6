// SPDX-License-Identifier: Apache-2.0
// /healthz: 200 with component states when healthy, 503 while starting, stopping or after a
// permanent failure. /metrics: the agent's own telemetry (Prometheus text or OpenMetrics). Other
// components may add routes (the status page) through the host. `/` answers like the health
// path (the Collector's health_check lives at `/`), unless a component registered `/`.
// Header and request timeouts cut off clients that trickle bytes (one byte per second kept a
// connection open for over 75 s before).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Component,
  ComponentStatus,
  CreateSettings,
  Host,
  ShutdownOptions,
} from '../../component/component.js';
import { buildResource } from '../../signals/resource.js';
import { serveExposition } from '../../telemetry/exposition.js';
import { splitHostPort } from '../../util/host-port.js';
import type { HealthCheckConfig } from './config.js';

/** Components in recoverable_error for at least `afterMs` (failing without a success since). */
export function degradedComponents(
  statuses: ReadonlyArray<[string, ComponentStatus]>,
  afterMs: number,
  now = Date.now(),
): string[] {
  return statuses
    .filter(([, s]) => s.state === 'recoverable_error' && now - s.since >= afterMs)
    .map(([id]) => id);
}

export class HealthCheckExtension implements Component {
  private server?: Server;
  private host?: Host;
  private resource?: Record<string, unknown>;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: HealthCheckConfig,
  ) {}

  /** The bound address (port 0 in tests). */
  address(): AddressInfo | undefined {
    return this.server?.address() as AddressInfo | undefined;
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    const { host: bindHost, port } = splitHostPort(this.config.endpoint);
    const headersMs = this.config.read_header_timeout;
    const requestMs = Math.max(headersMs, this.config.read_timeout);
    const server = createServer(
      {
        headersTimeout: headersMs,
        requestTimeout: requestMs,
        // Node checks both timeouts on this interval (30 s by default): check often enough
        // that a slow client is cut off close to its deadline.
        connectionsCheckingInterval: Math.min(1_000, headersMs),
      },
      (req, res) => this.handle(req, res),
    );
    server.keepAliveTimeout = this.config.idle_timeout;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            err.code === 'EADDRINUSE'
              ? `health_check endpoint ${this.config.endpoint} is already in use (set extensions.health_check.endpoint to a free port)`
              : `health_check cannot listen on ${this.config.endpoint}: ${err.code ?? err.message}`,
          ),
        ),
      );
      server.listen(port, bindHost, () => resolve());
    });
    server.on('error', (err) => this.settings.logger.error({ err: err.message }, 'Health endpoint error.'));
    this.server = server;
    const a = this.address();
    this.settings.logger.info({ endpoint: `${a?.address}:${a?.port}` }, 'Health endpoint listening.');
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const host = this.host;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const root = path === '/' && !host?.routes().has('/');
    if (path === this.config.path || root) {
      const healthy = host?.healthy() ?? false;
      const statuses = [...(host?.statuses() ?? new Map<string, ComponentStatus>())];
      const degraded = degradedComponents(statuses, this.config.degraded_after);
      const components = Object.fromEntries(
        statuses.map(([id, s]) => [
          id,
          {
            state: s.state,
            since: new Date(s.since).toISOString(),
            ...(s.error ? { error: s.error } : {}),
            ...(degraded.includes(id) ? { degraded: true } : {}),
          },
        ]),
      );
      // degraded stays HTTP 200: a backend outage must not make an orchestrator restart the agent
      // (its in-memory queue would go with it); the body names what is degraded
      const body = JSON.stringify({
        status: !healthy ? 'unavailable' : degraded.length > 0 ? 'degraded' : 'ok',
        ...(degraded.length > 0 ? { degraded } : {}),
        service: host?.serviceState ?? 'starting',
        ...(host?.lastReload
          ? { last_reload: { ...host.lastReload, at: new Date(host.lastReload.at).toISOString() } }
          : {}),
        components,
      });
      res
        .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(body);
      return;
    }
    if (path === this.config.metrics_path) {
      // text 0.0.4 or OpenMetrics by Accept, gzip by Accept-Encoding, target_info from the resource
      const resource = (this.resource ??= buildResource().attributes);
      serveExposition(req, res, (format) => host?.metrics.renderPrometheus(format, resource) ?? '').catch(
        (err: unknown) => {
          this.settings.logger.error({ err: String(err) }, 'The /metrics page could not be served.');
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
      return;
    }
    const extra = host?.routes().get(path);
    if (extra) {
      try {
        extra(req, res);
      } catch (err) {
        this.settings.logger.error({ err: (err as Error).message, path }, 'Route handler failed.');
        if (!res.headersSent) res.writeHead(500).end();
      }
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}
