// SPDX-License-Identifier: Apache-2.0
// The Prometheus exposition both pull pages share (the prometheus exporter and the
// health_check's /metrics): the text format 0.0.4 by default, OpenMetrics 1.0 when the scraper's
// Accept header prefers it, gzip when Accept-Encoding allows it, and a `target_info` family with
// the resource attributes (the OpenTelemetry → Prometheus compatibility spec). One writer so both
// pages pass `promtool check metrics` and a Prometheus scrape in either format.
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ExpositionFormat = 'text' | 'openmetrics';

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** The format the Accept header prefers (highest q wins; ties keep the order written). */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'text';
  let best: ExpositionFormat = 'text';
  let bestQ = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qp = params.find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    if (!(q > 0)) continue;
    const fmt: ExpositionFormat | undefined =
      type === 'application/openmetrics-text'
        ? 'openmetrics'
        : type === 'text/plain' || type === '*/*' || type === 'text/*'
          ? 'text'
          : undefined;
    if (fmt && q > bestQ) [best, bestQ] = [fmt, q];
  }
  return best;
}

/** True when Accept-Encoding allows gzip (and does not refuse it with q=0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qp = params.find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (qp ? Number(qp.slice(2)) > 0 : true);
  });
}

export type Labels = ReadonlyArray<readonly [string, string]>;

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** A label set rendered once (`{a="1",b="2"}` or ''), to reuse across a family's samples. */
export function renderLabels(labels: Labels, extra?: readonly [string, string]): string {
  if (labels.length === 0 && !extra) return '';
  let s = '{';
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) s += ',';
    s += `${labels[i][0]}="${escapeLabelValue(labels[i][1])}"`;
  }
  if (extra) s += `${labels.length > 0 ? ',' : ''}${extra[0]}="${extra[1]}"`;
  return s + '}';
}

/** Prometheus label name for an attribute key (dots and other characters become `_`). */
export function labelName(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const UNIT_SUFFIXES = ['seconds', 'bytes'];

/**
 * Writes families in either format. `name` is the sample name as the text format shows it
 * (counters end in `_total`); OpenMetrics names the counter family without it, adds `# UNIT`
 * where the name ends in a base unit, `_created` samples when a start time is known, and `# EOF`.
 */
export class ExpositionWriter {
  private readonly out: string[] = [];

  constructor(readonly format: ExpositionFormat) {}

  family(name: string, type: 'counter' | 'gauge' | 'histogram' | 'info', help: string): void {
    const om = this.format === 'openmetrics';
    let fam = name;
    if (om && type === 'counter') fam = name.replace(/_total$/, '');
    if (om && type === 'info') fam = name.replace(/_info$/, '');
    const helpText = om
      ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
      : help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    const promType = !om && type === 'info' ? 'gauge' : type;
    this.out.push(`# HELP ${fam} ${helpText}`, `# TYPE ${fam} ${promType}`);
    if (om) {
      const unit = UNIT_SUFFIXES.find((u) => fam.endsWith(`_${u}`));
      if (unit) this.out.push(`# UNIT ${fam} ${unit}`);
    }
  }

  /** One sample line; `labels` already rendered by renderLabels(). */
  sample(name: string, labels: string, value: number): void {
    this.out.push(`${name}${labels} ${formatValue(value)}`);
  }

  /** OpenMetrics only: when a counter or histogram series started (Unix seconds). */
  created(name: string, labels: string, startSeconds: number | undefined): void {
    if (this.format !== 'openmetrics' || startSeconds === undefined) return;
    const base = name.replace(/_total$/, '');
    this.out.push(`${base}_created${labels} ${formatValue(startSeconds)}`);
  }

  /** `target_info` with the resource attributes (OpenTelemetry → Prometheus compatibility). */
  targetInfo(resource: Record<string, unknown>): void {
    const labels: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(resource)) {
      if (v === undefined || v === null) continue;
      labels.push([labelName(k), Array.isArray(v) ? v.join(',') : String(v)]);
    }
    if (labels.length === 0) return;
    this.family(
      'target_info',
      'info',
      'Target metadata: the OpenTelemetry resource attributes of this agent.',
    );
    this.sample('target_info', renderLabels(labels), 1);
  }

  finish(): string {
    if (this.format === 'openmetrics') this.out.push('# EOF');
    return this.out.join('\n') + '\n';
  }
}

const gzipAsync = promisify(gzip);

/**
 * Answers a scrape: negotiates the format, renders, compresses when asked, honours HEAD.
 * `render` may withhold the page by returning undefined: nothing is written, false is returned
 * and the caller answers as it sees fit.
 */
export async function serveExposition(
  req: IncomingMessage,
  res: ServerResponse,
  render: (format: ExpositionFormat) => string | undefined | Promise<string | undefined>,
): Promise<boolean> {
  const format = negotiateFormat(req.headers.accept);
  const page = await render(format);
  if (page === undefined) return false;
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[format],
    'cache-control': 'no-store',
    vary: 'Accept, Accept-Encoding',
  };
  let body: string | Buffer = page;
  if (acceptsGzip(req.headers['accept-encoding'])) {
    body = await gzipAsync(page);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
