// SPDX-License-Identifier: Apache-2.0
// The "Contract health" page: server-rendered HTML with inline CSS, no external asset, and a
// meta refresh. Every figure carries a data-field attribute so a browser test can compare it
// with /status.json.
import type { StatusSnapshot } from './contract-health.js';

function esc(v: unknown): string {
  return String(v ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—';
}

function kv(o: unknown): string {
  const entries = Object.entries((o as Record<string, number>) ?? {});
  if (entries.length === 0) return '—';
  return entries.map(([k, n]) => `<span class="chip">${esc(k)} <b>${esc(n)}</b></span>`).join(' ');
}

function latencyTable(title: string, o: unknown): string {
  const entries = Object.entries(
    (o as Record<string, { count: number; p50_ms: number | null; p95_ms: number | null }>) ?? {},
  );
  if (entries.length === 0) return '';
  const rows = entries
    .map(
      ([k, v]) =>
        `<tr><td>${esc(k)}</td><td>${esc(v.count)}</td><td data-field="${esc(title)}.${esc(k)}.p50_ms">${esc(v.p50_ms)}</td><td data-field="${esc(title)}.${esc(k)}.p95_ms">${esc(v.p95_ms)}</td></tr>`,
    )
    .join('');
  return `<h4>${esc(title.replace(/_/g, ' '))}</h4><table><tr><th></th><th>n</th><th>p50 ms</th><th>p95 ms</th></tr>${rows}</table>`;
}

function errorsTable(o: unknown): string {
  const entries = Object.entries(
    (o as Record<
      string,
      {
        count: number;
        owner: string | null;
        first_action: string | null;
        retryable: boolean | null;
        statuses: Record<string, number>;
        sub_reasons: Record<string, number>;
      }
    >) ?? {},
  );
  if (entries.length === 0) return '<p class="muted">No errors.</p>';
  const rows = entries
    .map(
      ([cls, e]) =>
        `<tr><td class="cls">${esc(cls)}</td><td data-field="errors.${esc(cls)}.count">${esc(e.count)}</td><td>${kv(e.statuses)}</td><td>${kv(e.sub_reasons)}</td><td>${esc(e.owner)}</td><td>${esc(e.first_action)}</td><td>${e.retryable === null ? '—' : e.retryable ? 'retry' : 'no retry'}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>class</th><th>count</th><th>status</th><th>reason</th><th>owner</th><th>first action</th><th>retry</th></tr>${rows}</table>`;
}

function eventsList(events: unknown): string {
  const list =
    (events as Array<{
      at: string;
      verdict: string;
      probe?: string;
      status?: number;
      findings: string[];
      shapeDiff?: { added: string[]; removed: string[]; changed: string[] };
    }>) ?? [];
  if (list.length === 0) return '<p class="muted">No drift or violation recorded.</p>';
  return `<ul class="events">${list
    .map((e) => {
      const d = e.shapeDiff;
      const diff = d
        ? `<div class="diff">${d.added.map((p) => `<span class="add">+ ${esc(p)}</span>`).join('')}${d.removed.map((p) => `<span class="rm">− ${esc(p)}</span>`).join('')}${d.changed.map((p) => `<span class="ch">~ ${esc(p)}</span>`).join('')}</div>`
        : '';
      return `<li><span class="v ${esc(e.verdict)}">${esc(e.verdict)}</span> ${esc(e.at)} ${esc(e.probe ?? '')} ${e.status ? `HTTP ${esc(e.status)}` : ''} <span class="muted">${esc(e.findings.join(', '))}</span>${diff}</li>`;
    })
    .join('')}</ul>`;
}

export function renderStatusPage(s: StatusSnapshot, refreshSeconds: number): string {
  const groups = s.groups
    .map((g, i) => {
      const stat = (label: string, field: string, value: string) =>
        `<div class="stat"><div class="label">${esc(label)}</div><div class="value" data-field="${field}">${value}</div></div>`;
      return `<section class="group" data-group="${i}" data-receiver="${esc(g.receiver)}" data-model="${esc(g.model)}">
<h2>${esc(g.receiver)} <span class="muted">· ${esc(g.provider)} · ${esc(g.endpoint)} · model ${esc(g.model)}</span></h2>
<div class="stats">
${stat('calls', 'calls', esc(g.calls))}
${stat('schema-valid rate', 'schema_valid_rate', pct(g.schema_valid_rate))}
${stat('violations', 'violations', esc(g.violations))}
${stat('drift events', 'drift_events', esc(g.drift_events))}
${stat('auth failures since config change', 'auth_failures_since_config_change', esc(g.auth_failures_since_config_change))}
${stat('rate-limited', 'rate_limited', esc(g.rate_limited))}
${stat('quota exhausted', 'quota_exhausted', esc(g.quota_exhausted))}
${stat('timeout rate', 'timeout_rate', pct(g.timeout_rate))}
${stat('fallback activations', 'fallback_activations', esc(g.fallback_activations))}
${stat('retry success', 'retry_succeeded', `${esc(g.retry_succeeded)} / ${esc(g.retry_attempted)}`)}
${stat('usage availability', 'usage_availability', pct(g.usage_availability))}
${stat('contract review age', 'contract_review_age_days', g.contract_review_age_days === null ? '—' : `${esc(g.contract_review_age_days)} d`)}
${stat('TLS cert expires in', 'tls_cert_days_left', g.tls_cert_days_left === null ? '—' : `${esc(g.tls_cert_days_left)} d`)}
</div>
<div class="row"><div><h3>Status codes</h3>${kv(g.status_codes)}</div><div><h3>Response models</h3>${kv(g.response_models)}</div><div><h3>Verdicts</h3>${kv(g.verdicts)}</div></div>
<h3>Error classes</h3>${errorsTable(g.errors)}
<h3>Latency</h3><div class="row">${latencyTable('latency_by_probe', g.latency_by_probe)}${latencyTable('latency_by_prompt_size', g.latency_by_prompt_size)}${latencyTable('ttft_by_probe', g.ttft_by_probe)}</div>
<h3>Recent drift and violations</h3>${eventsList(g.recent_events)}
</section>`;
    })
    .join('\n');
  const events = Object.entries(s.events)
    .map(
      ([name, e]) =>
        `<span class="chip">${esc(name)} <b data-field="events.${esc(name)}.count">${esc(e.count)}</b> <span class="muted">last ${esc(e.last)}</span></span>`,
    )
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${refreshSeconds}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>driftwatch · contract health</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 20px}header h1{margin:0;font-size:18px}header p{margin:4px 0 0;color:#b8c0cc;font-size:12px}
main{padding:16px 20px}.group{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h2{font-size:16px;margin:0 0 8px}h3{font-size:13px;margin:12px 0 4px;text-transform:uppercase;color:#5b6576}h4{margin:4px 0;font-size:12px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}.stat{background:#f0f2f5;border-radius:4px;padding:6px 8px}
.label{font-size:11px;color:#5b6576}.value{font-size:18px;font-weight:600}.row{display:flex;gap:24px;flex-wrap:wrap}
table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #e6e9ee;padding:3px 8px;text-align:left}
.chip{display:inline-block;background:#eef1f5;border-radius:10px;padding:1px 8px;margin:2px;font-size:12px}.muted{color:#7a8494}
.v{font-weight:600;padding:0 6px;border-radius:3px}.v.violation{background:#fde2e1;color:#a4161a}.v.drift{background:#fff3cd;color:#8a6100}
.diff span{display:inline-block;font-family:monospace;margin-right:8px}.add{color:#1a7f37}.rm{color:#a4161a}.ch{color:#8a6100}
ul.events{margin:0;padding-left:18px}.cls{font-weight:600}
</style></head>
<body><header><h1>Contract health</h1><p>Not provider health: what the contract your application reads looks like right now. Generated ${esc(s.generated_at)} · since ${esc(s.since)} · config changed ${esc(s.config_changed_at)} · <a style="color:#9cc3ff" href="status.json">status.json</a></p></header>
<main>
${s.groups.length === 0 ? '<p class="muted" data-field="empty">No calls observed yet.</p>' : groups}
<section class="group"><h2>Watch events</h2>${events || '<p class="muted">None (probe budget exhausted, documentation changed…).</p>'}</section>
</main></body></html>`;
}
