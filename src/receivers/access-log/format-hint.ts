// SPDX-License-Identifier: Apache-2.0
// When nothing parses, `replay` says what the lines look like: every preset is tried on the
// first unparsed lines and the one that reads the most of them (and fills the most fields) is
// suggested. The lines themselves are never printed.
import type { AccessLogConfig } from './config.js';
import { describesCall } from './fields.js';
import type { LineFields, LineParser } from './fields.js';
import { createLineParser } from './parsers/create.js';
import type { ParserConfig } from './parsers/create.js';

type Candidate = { label: string; config: Partial<ParserConfig> };

const CANDIDATES: Candidate[] = [
  { label: '--format nginx_combined', config: { format: 'nginx_combined', log_format: '' } },
  {
    label: '--format nginx --log-format combined_timings',
    config: { format: 'nginx', log_format: 'combined_timings' },
  },
  {
    label: '--format nginx --log-format ingress_upstreaminfo',
    config: { format: 'nginx', log_format: 'ingress_upstreaminfo' },
  },
  {
    label: '--format apache --log-format combined_D',
    config: { format: 'apache', log_format: 'combined_D' },
  },
  { label: '--format apache', config: { format: 'apache', log_format: 'combined' } },
  { label: '--format apache --log-format common', config: { format: 'apache', log_format: 'common' } },
  { label: '--format haproxy', config: { format: 'haproxy', log_format: '' } },
  { label: '--format traefik_clf', config: { format: 'traefik_clf' } },
  { label: '--format aws_alb', config: { format: 'aws_alb' } },
  { label: '--format envoy', config: { format: 'envoy', log_format: '' } },
  { label: '--format envoy_json', config: { format: 'envoy_json' } },
  { label: '--format caddy', config: { format: 'caddy' } },
  { label: '--format traefik', config: { format: 'traefik' } },
  { label: '--format kong', config: { format: 'kong' } },
  { label: '--format litellm', config: { format: 'litellm' } },
];

function filled(f: LineFields): number {
  let n = 0;
  for (const v of [f.status, f.path, f.method, f.totalMs, f.timeMs, f.upstreamMs, f.model])
    if (v !== undefined) n++;
  return n;
}

export function formatHint(current: AccessLogConfig, samples: readonly string[]): string {
  const paste =
    "If the gateway writes its own format, paste it from the gateway's config with --log-format (nginx log_format, Apache LogFormat, HAProxy log-format, Envoy format).";
  if (samples.length === 0) return paste;
  let best: { label: string; parsed: number; score: number } | undefined;
  for (const c of CANDIDATES) {
    let parser: LineParser;
    try {
      parser = createLineParser({ ...current, fields: {}, escape: undefined, ...c.config } as ParserConfig);
    } catch {
      continue;
    }
    let parsed = 0;
    let score = 0;
    for (const line of samples) {
      const f = parser.parse(line);
      if (describesCall(f)) {
        parsed++;
        score += filled(f);
      }
    }
    if (parsed > 0 && (!best || parsed > best.parsed || (parsed === best.parsed && score > best.score)))
      best = { label: c.label, parsed, score };
  }
  const trailing = samples.some((l) => {
    try {
      const p = createLineParser(current);
      return p.parse(l) === undefined && p.lastReject === 'trailing_content';
    } catch {
      return false;
    }
  });
  const parts: string[] = [];
  if (trailing)
    parts.push(
      'Lines match the configured format and go on after it: the gateway writes a longer format (often with the timings) than the one configured.',
    );
  if (best)
    parts.push(`The lines look like ${best.label} (${best.parsed} of ${samples.length} sample lines parse).`);
  else parts.push('No preset reads these lines.');
  parts.push(paste);
  return parts.join(' ');
}
