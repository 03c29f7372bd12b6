// SPDX-License-Identifier: Apache-2.0
/* global setTimeout, Buffer */
// Writes realistic nginx access logs for the benchmark: the LLM-gateway text format
// (combined + timings + upstream lists) and the same fields as an escape=json format; and
// replays such a file into a live one as a writer would (the follow/tail benchmarks).
import { appendFileSync, openSync, readSync, writeSync, closeSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TEXT_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time $upstream_connect_time $upstream_header_time $upstream_response_time $upstream_status $request_id "$upstream_http_x_request_id" "$upstream_http_openai_model"';

export const JSON_FORMAT =
  "log_format llm_json escape=json '{\"time\":\"$time_iso8601\",\"remote_addr\":\"$remote_addr\",\"request\":\"$request\",\"status\":\"$status\",\"bytes\":\"$body_bytes_sent\",\"ua\":\"$http_user_agent\",\"request_time\":\"$request_time\",\"upstream_connect_time\":\"$upstream_connect_time\",\"upstream_header_time\":\"$upstream_header_time\",\"upstream_response_time\":\"$upstream_response_time\",\"upstream_status\":\"$upstream_status\",\"request_id\":\"$request_id\",\"upstream_request_id\":\"$upstream_http_x_request_id\",\"model\":\"$upstream_http_openai_model\"}';";

const ROUTES = ['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings', '/v1/models', '/v1/responses'];
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'o3-mini', 'text-embedding-3-small', 'claude-3-5-sonnet'];
const UAS = ['OpenAI/Python 1.40.0', 'AsyncOpenAI/Python 1.40.0', 'ua with \\x22double quotes\\x22', 'Mozilla/5.0 (X11; Linux x86_64)'];

/** Deterministic pseudo-random numbers (xorshift) so every run writes the same file. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function hex(r, n) {
  let s = '';
  while (s.length < n) s += Math.floor(r() * 0xffffffff).toString(16).padStart(8, '0');
  return s.slice(0, n);
}

function sample(r, i) {
  const route = ROUTES[i % ROUTES.length];
  const model = MODELS[Math.floor(r() * MODELS.length)];
  const p = r();
  let status = 200, ups = '200', connect = '0.001', header = (0.05 + r() * 2).toFixed(3), upt = header;
  if (p < 0.05) { status = 429; ups = '429'; }
  else if (p < 0.07) { status = 502; ups = '502'; connect = '-'; header = '-'; upt = '0.000'; }
  else if (p < 0.08) { status = 504; ups = '504'; header = '-'; upt = '2.001'; }
  else if (p < 0.09) { status = 499; ups = '-'; header = '-'; upt = '0.500'; }
  else if (p < 0.11) { status = 200; ups = '502, 200'; connect = '-, 0.001'; header = '-, ' + header; upt = '0.000, ' + upt; }
  else if (p < 0.12) { status = 200; ups = '503 : 200'; connect = '0.001 : 0.001'; header = '0.020 : ' + header; upt = '0.021 : ' + upt; }
  const total = (parseFloat(upt.split(/[,:]/).pop()) + 0.001).toFixed(3);
  return { route, model, status, ups, connect, header, upt, total, ua: UAS[i % UAS.length], bytes: status === 200 ? 200 + Math.floor(r() * 2000) : 157 };
}

const pad = (n) => String(n).padStart(2, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function generate(path, lines, kind, seed = 42) {
  const r = rng(seed);
  // a fresh checkout has no .cache/bench yet: create the folder rather than fail with ENOENT
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let buf = [];
  let t = Date.UTC(2026, 10, 26, 0, 0, 0);
  for (let i = 0; i < lines; i++) {
    if (i % 200 === 0) t += 1000;
    const d = new Date(t);
    const s = sample(r, i);
    const ip = i % 5 === 0 ? '::1' : `10.0.${i % 256}.${(i >> 8) % 256}`;
    const rid = hex(r, 32);
    if (kind === 'text') {
      const tl = `${pad(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
      buf.push(`${ip} - - [${tl}] "POST ${s.route} HTTP/1.1" ${s.status} ${s.bytes} "-" "${s.ua}" 420 ${s.total} ${s.connect} ${s.header} ${s.upt} ${s.ups} ${rid} "req_${rid.slice(0, 24)}" "${s.model}"`);
    } else {
      const iso = d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
      const ua = s.ua.replace(/\\x22/g, '\\"');
      buf.push(`{"time":"${iso}","remote_addr":"${ip}","request":"POST ${s.route} HTTP/1.1","status":"${s.status}","bytes":"${s.bytes}","ua":"${ua}","request_time":"${s.total}","upstream_connect_time":"${s.connect}","upstream_header_time":"${s.header}","upstream_response_time":"${s.upt}","upstream_status":"${s.ups === '-' ? '' : s.ups}","request_id":"${rid}","upstream_request_id":"req_${rid.slice(0, 24)}","model":"${s.model}"}`);
    }
    if (buf.length === 5000) {
      writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length > 0) writeSync(fd, buf.join('\n') + '\n');
  closeSync(fd);
}

/** The text-format source the live-tail benchmarks replay: `.cache/bench/tail-source-LINES.log`
 * under `root`, written on first use. */
export function tailSource(root, lines) {
  const src = join(root, '.cache', 'bench', `tail-source-${lines}.log`);
  try {
    statSync(src);
  } catch {
    generate(src, lines, 'text');
  }
  return src;
}

/** Appends `src` to `live` in 1 MiB slices, 2 ms apart, until `src` is exhausted (returns at once). */
export function appendInSlices(src, live) {
  const fd = openSync(src, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  const writeSlice = () => {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n > 0) {
      appendFileSync(live, buf.subarray(0, n));
      pos += n;
      setTimeout(writeSlice, 2);
    } else closeSync(fd);
  };
  writeSlice();
}
