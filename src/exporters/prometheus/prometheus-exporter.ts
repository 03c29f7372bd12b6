// SPDX-License-Identifier: Apache-2.0
// prometheus: aggregates the same metrics as otlp_http in-process and serves them on a pull
// endpoint (default 127.0.0.1:9464/metrics). Every page passes the export guard before it leaves.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DriftwatchError } from '../../component/errors.js';
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { ConsumeContext } from '../../component/consumer.js';
import type { ExporterComponent } from '../../component/factory.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Family } from '../../signals/names.js';
import { buildResource } from '../../signals/resource.js';
import { SignalBuilder } from '../../signals/signal-builder.js';
import { serveExposition } from '../../telemetry/exposition.js';
import type { ExpositionFormat } from '../../telemetry/exposition.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import { ExportGuard } from '../../util/export-guard.js';
import { splitHostPort } from '../../util/host-port.js';
import type { PrometheusConfig } from './config.js';
import { renderPrometheus } from './render.js';

export class PrometheusExporter implements ExporterComponent {
  readonly mutatesData = false;
  private readonly builder: SignalBuilder;
  private readonly guard: ExportGuard;
  private readonly errors: RateLimitedLog;
  private server?: Server;
  private stopped = false;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: PrometheusConfig,
  ) {
    const families = new Set<Family>();
    if (config.contract) families.add('contract');
    if (config.genai) families.add('genai');
    this.builder = new SignalBuilder({
      resource: buildResource(),
      families,
      temporality: 'cumulative',
      accessLogSampling: 0,
      traces: false,
      logs: false,
      metrics: true,
    });
    this.guard = new ExportGuard(settings.sensitive);
    this.errors = new RateLimitedLog(settings.logger);
  }

  /** The bound address (port 0 in tests). */
  address(): AddressInfo | undefined {
    return this.server?.address() as AddressInfo | undefined;
  }

  async start(_host: Host): Promise<void> {
    if (this.server) return;
    const { host, port } = splitHostPort(this.config.endpoint);
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            err.code === 'EADDRINUSE'
              ? `prometheus endpoint ${this.config.endpoint} is already in use (set exporters.prometheus.endpoint to a free port)`
              : `prometheus cannot listen on ${this.config.endpoint}: ${err.code ?? err.message}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  /** The page as a scrape would see it (tests, `driftwatch check`). */
  async render(format: ExpositionFormat = 'text'): Promise<string> {
    return renderPrometheus(await this.builder.collectMetrics(), {
      format,
      resourceToTelemetry: this.config.resource_to_telemetry_conversion?.enabled === true,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.config.path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const served = await serveExposition(req, res, async (format) => {
        const page = await this.render(format);
        return this.guard.allows(page) ? page : undefined;
      });
      if (!served) {
        this.settings.telemetry.dropped(1, 'sensitive_value', false);
        this.errors.error(
          'guard',
          {},
          'export guard: the metrics page held a configured secret or probe prompt; not served',
        );
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics withheld by the export guard\n');
      }
    } catch (err) {
      this.settings.telemetry.error('encode_failed', 'sending');
      this.errors.error('render', { err: String(err) }, 'prometheus page could not be rendered');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('render failed\n');
    }
  }

  async consume(batch: CallRecord[], _ctx: ConsumeContext): Promise<void> {
    if (this.stopped) throw new DriftwatchError('DW_ERR_SHUTTING_DOWN', `${this.settings.id} is shut down`);
    this.builder.build(batch);
  }

  async testExport(): Promise<void> {
    await this.render();
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const s = this.server;
    this.server = undefined;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await this.builder.shutdown();
  }
}
