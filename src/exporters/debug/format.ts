// SPDX-License-Identifier: Apache-2.0
// Human-readable lines for the debug exporter. Only allow-listed, low-risk fields are
// printed: never bodies, prompts, completions, headers other than the request id, or URLs.
import type { CallRecord } from '../../model/call-record.js';

function ms(v: number | undefined): string | undefined {
  return v === undefined ? undefined : `${Math.round(v)}ms`;
}

export function formatBatch(receiverHint: string, batch: readonly CallRecord[]): string {
  const byVerdict: Record<string, number> = {};
  const byClass: Record<string, number> = {};
  for (const r of batch) {
    const v = r.findings.verdict ?? 'unjudged';
    byVerdict[v] = (byVerdict[v] ?? 0) + 1;
    if (r.findings.errorClass) byClass[r.findings.errorClass] = (byClass[r.findings.errorClass] ?? 0) + 1;
  }
  const kv = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
  const classes = Object.keys(byClass).length ? ` errors[${kv(byClass)}]` : '';
  return `batch records=${batch.length} from=${receiverHint} verdicts[${kv(byVerdict)}]${classes}`;
}

export function formatRecord(r: CallRecord): string {
  if (r.event) {
    const attrs = Object.entries(r.event.attributes ?? {}).map(([k, v]) => ` ${k}=${String(v)}`);
    return `src=${r.receiver} event=${r.event.name}${attrs.join('')}`;
  }
  const f = r.findings;
  const parts: Array<[string, string | number | undefined]> = [
    ['src', r.receiver],
    ['probe', r.request.probe],
    ['size', r.request.promptSize === 'large' ? 'large' : undefined],
    ['model', r.request.model],
    ['route', r.request.route],
    ['stream', r.request.stream === undefined ? undefined : String(r.request.stream)],
    ['status', r.response.status ?? (r.transportError ? `error:${r.transportError.code}` : undefined)],
    ['verdict', f.verdict],
    ['class', f.errorClass],
    ['reason', f.subReason],
    ['owner', f.owner],
    ['retry', f.retryable === undefined ? undefined : f.retryable ? 'yes' : 'no'],
    ['body', r.response.parse && !['json', 'sse'].includes(r.response.parse) ? r.response.parse : undefined],
    ['stream_anomalies', r.response.stream?.anomalies.join('+') || undefined],
    ['ttfb', ms(r.timings.ttfbMs)],
    ['ttft', ms(r.timings.firstTokenMs)],
    ['total', ms(r.timings.totalMs)],
    ['tokens', r.response.usage?.totalTokens ?? undefined],
    ['resp_model', r.response.model],
    ['request_id', r.response.requestId],
  ];
  const head = parts
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const findings = f.items
    .filter((i) => i.level !== 'info')
    .slice(0, 6)
    .map((i) => `${i.level}:${i.kind}:${i.path}`)
    .join(',');
  const diff = f.shapeDiff
    ? ` shape_diff[+${f.shapeDiff.added.join('+')} -${f.shapeDiff.removed.join('-')} ~${f.shapeDiff.changed.join('~')}]`
    : '';
  return `${head}${findings ? ` findings=[${findings}]` : ''}${diff}`;
}
