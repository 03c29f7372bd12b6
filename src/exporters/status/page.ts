// SPDX-License-Identifier: Apache-2.0
// The "Contract health" page: server-rendered HTML with inline CSS and inline SVG, no external
// asset, and a meta refresh. One card per target, its overall state in colour; every figure
// carries a data-field attribute so a browser test can compare it with /status.json.
import type {
  ErrorClassView,
  ExpectationView,
  LatencyRow,
  RateName,
  RecentEvent,
  StatusSnapshot,
  TargetView,
  WindowCounts,
} from './snapshot.js';
import { HEADLINE_RATES, WINDOWS } from './snapshot.js';
import { sparkline } from './sparkline.js';

function esc(v: unknown): string {
  return String(v ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

function kv(o: Record<string, number>): string {
  const entries = Object.entries(o);
  if (entries.length === 0) return '—';
  return entries.map(([k, n]) => `<span class="chip">${esc(k)} <b>${esc(n)}</b></span>`).join(' ');
}

const RATE_LABEL: Record<RateName, string> = {
  schema_valid_rate: 'schema-valid rate',
  timeout_rate: 'client timeout rate',
  fallback_rate: 'fallback activation rate',
  retry_success_rate: 'retry success after first failure',
  usage_availability: 'usage-field availability',
};
const COUNT_LABEL: Array<[keyof WindowCounts, string]> = [
  ['calls', 'calls'],
  ['violations', 'violations'],
  ['drift', 'drift verdicts'],
  ['auth_failures', 'auth failures'],
  ['rate_limited', 'rate-limited (429)'],
  ['quota_exhausted', 'quota exhausted'],
  ['timeouts', 'client timeouts'],
];
const WINDOW_LABEL = { last_5m: 'last 5 min', last_1h: 'last hour', since_start: 'since start' };

function windowsTable(t: TargetView): string {
  const head = `<tr><th></th>${WINDOWS.map((w) => `<th>${WINDOW_LABEL[w]}</th>`).join('')}<th>last hour, per minute</th></tr>`;
  const rates = HEADLINE_RATES.map(
    (r) =>
      `<tr><td>${RATE_LABEL[r]}</td>${WINDOWS.map((w) => `<td data-field="${w}.${r}">${pct(t.windows[w].rates[r])}</td>`).join('')}<td data-spark="${r}">${sparkline(t.sparklines[r], RATE_LABEL[r])}</td></tr>`,
  ).join('');
  const counts = COUNT_LABEL.map(
    ([k, label]) =>
      `<tr><td>${label}</td>${WINDOWS.map((w) => `<td data-field="${w}.${k}">${esc(t.windows[w].counts[k])}</td>`).join('')}<td></td></tr>`,
  ).join('');
  return `<table class="windows">${head}${rates}${counts}</table>`;
}

function expectationsList(list: readonly ExpectationView[]): string {
  if (list.length === 0) return '';
  const items = list
    .map(
      (e) =>
        `<li data-expectation="${esc(e.probe)}" data-state="${e.state}"><span class="x ${e.state}">${e.state}</span> <b>${esc(e.probe)}</b> <span class="muted">${esc(e.kind)}</span> held ${esc(e.held)} · broken ${esc(e.broken)}${e.inconclusive ? ` · inconclusive ${esc(e.inconclusive)}` : ''}${e.last_reason ? ` · last reason <code>${esc(e.last_reason)}</code>` : ''}</li>`,
    )
    .join('');
  return `<h3>Deliberate probes (expected failures)</h3><ul class="expect">${items}</ul>`;
}

function latencyTable(title: string, rows: Record<string, LatencyRow>): string {
  const entries = Object.entries(rows);
  if (entries.length === 0) return '';
  const body = entries
    .map(
      ([k, v]) =>
        `<tr><td>${esc(k)}</td><td>${esc(v.count)}</td><td data-field="${title}.${esc(k)}.failed">${esc(v.failed)}</td><td data-field="${title}.${esc(k)}.p50_ms">${esc(v.p50_ms)}</td><td data-field="${title}.${esc(k)}.p95_ms">${esc(v.p95_ms)}</td></tr>`,
    )
    .join('');
  return `<div><h4>${esc(title.replace(/_/g, ' '))}</h4><table><tr><th></th><th>n</th><th>of which failed</th><th>p50 ms</th><th>p95 ms</th></tr>${body}</table></div>`;
}

function errorsTable(errors: Record<string, ErrorClassView>): string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '<p class="muted">No errors.</p>';
  const rows = entries
    .map(
      ([cls, e]) =>
        `<tr><td class="cls">${esc(cls)}</td><td data-field="errors.${esc(cls)}.count">${esc(e.count)}</td><td>${kv(e.statuses)}</td><td>${kv(e.sub_reasons)}</td><td>${esc(e.owner)}</td><td>${esc(e.first_action)}</td><td>${e.retryable === null ? '—' : e.retryable ? 'retry' : 'no retry'}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>class</th><th>count</th><th>status</th><th>reason</th><th>owner</th><th>first action</th><th>retry</th></tr>${rows}</table>`;
}

function eventsList(list: readonly RecentEvent[]): string {
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

function card(t: TargetView): string {
  const days = (v: number | null) => (v === null ? '—' : `${esc(v)} d`);
  return `<section class="target ${t.state}" data-receiver="${esc(t.receiver)}" data-provider="${esc(t.provider)}" data-endpoint="${esc(t.endpoint)}" data-state="${t.state}">
<h2><span class="state ${t.state}" data-field="state">${t.state}</span> ${esc(t.receiver)} <span class="muted">· ${esc(t.provider)} · ${esc(t.endpoint)} · models ${Object.keys(t.models).map(esc).join(', ') || '—'}</span></h2>
<p class="reason" data-field="state_reason">${esc(t.state_reason)}</p>
${windowsTable(t)}
${expectationsList(t.expectations)}
<div class="row"><div><h3>Status codes</h3>${kv(t.status_codes)}</div><div><h3>Response models</h3>${kv(t.response_models)}</div><div><h3>Verdicts</h3>${kv(t.verdicts)}</div>
<div><h3>Since config change</h3>auth failures <b data-field="auth_failures_since_config_change">${esc(t.auth_failures_since_config_change)}</b></div>
<div><h3>Contract review age</h3><span data-field="contract_review_age_days">${days(t.contract_review_age_days)}</span></div>
<div><h3>TLS cert expires in</h3><span data-field="tls_cert_days_left">${days(t.tls_cert_days_left)}</span></div></div>
<h3>Error classes (since start)</h3>${errorsTable(t.errors)}
<h3>Latency <span class="muted">(last hour, failed calls included and counted)</span></h3><div class="row">${latencyTable('latency_by_probe', t.latency_by_probe)}${latencyTable('latency_by_prompt_size', t.latency_by_prompt_size)}${latencyTable('ttft_by_probe', t.ttft_by_probe)}</div>
<h3>Recent drift and violations</h3>${eventsList(t.recent_events)}
</section>`;
}

export function renderStatusPage(s: StatusSnapshot, refreshSeconds: number): string {
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
main{padding:16px 20px}.target,.box{background:#fff;border:1px solid #dde1e7;border-left-width:6px;border-radius:6px;padding:12px 16px;margin-bottom:16px}
.target.healthy{border-left-color:#2da44e}.target.drift{border-left-color:#d4a72c}.target.violation{border-left-color:#cf222e}.target.down{border-left-color:#6e1b1b}.target.idle{border-left-color:#8c959f}
.state{display:inline-block;padding:1px 10px;border-radius:10px;font-size:13px;text-transform:uppercase;color:#fff;vertical-align:2px}
.state.healthy{background:#2da44e}.state.drift{background:#d4a72c;color:#1d2330}.state.violation{background:#cf222e}.state.down{background:#6e1b1b}.state.idle{background:#8c959f}
h2{font-size:16px;margin:0 0 4px}h3{font-size:13px;margin:12px 0 4px;text-transform:uppercase;color:#5b6576}h4{margin:4px 0;font-size:12px}
.reason{margin:0 0 8px;color:#5b6576}.row{display:flex;gap:24px;flex-wrap:wrap}
table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #e6e9ee;padding:3px 8px;text-align:left}
table.windows td:not(:first-child){font-variant-numeric:tabular-nums}.spark{color:#0969da;display:block}
.chip{display:inline-block;background:#eef1f5;border-radius:10px;padding:1px 8px;margin:2px;font-size:12px}.muted{color:#7a8494}
.v,.x{font-weight:600;padding:0 6px;border-radius:3px}.v.violation,.x.broken{background:#fde2e1;color:#a4161a}.v.drift{background:#fff3cd;color:#8a6100}.x.held{background:#dafbe1;color:#1a7f37}
ul.expect{margin:0;padding-left:18px}.diff span{display:inline-block;font-family:monospace;margin-right:8px}.add{color:#1a7f37}.rm{color:#a4161a}.ch{color:#8a6100}
ul.events{margin:0;padding-left:18px}.cls{font-weight:600}
</style></head>
<body><header><h1>Contract health</h1><p>Not provider health: what the contract your application reads looks like right now. Generated ${esc(s.generated_at)} · since ${esc(s.since)} · config changed ${esc(s.config_changed_at)} · <a style="color:#9cc3ff" href="status.json">status.json</a></p></header>
<main>
${s.targets.length === 0 ? '<p class="muted" data-field="empty">No calls observed yet.</p>' : s.targets.map(card).join('\n')}
<section class="box"><h2>Watch events</h2>${events || '<p class="muted">None (probe budget exhausted, documentation changed…).</p>'}</section>
</main></body></html>`;
}
