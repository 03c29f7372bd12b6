// SPDX-License-Identifier: Apache-2.0
// Generic JSON lines with a field mapping (dotted paths into nested objects) and unit
// conversion; presets for Kong file-log / AI Gateway, Caddy, Traefik, Envoy JSON and LiteLLM.
import { ConfigError } from '../../../component/errors.js';
import type { CoveredField, LineFields, LineParser } from '../fields.js';
import { emptyFields } from '../fields.js';
import { SYNTHETIC_HEADER_VALUE } from '../fields.js';
import { latin1ToUtf8, splitUpstreamList, TimeParser } from '../values.js';

export type Unit = 's' | 'ms' | 'us' | 'ns';
/**
 * A mapping target: a dotted path, or a path with the unit its number is written in. `a|b`:
 * the first of the paths the line has (formats whose key names changed between versions).
 */
export type FieldSpec = string | { path: string; unit?: Unit };

/** Canonical fields a JSON mapping can fill. Durations are converted to ms, times to epoch ms. */
export const JSON_FIELDS = [
  'time',
  'method',
  'path',
  'status',
  'duration',
  'upstream_duration',
  'ttfb',
  'connect',
  'upstream_status',
  'upstream_attempts',
  'retries',
  'bytes_sent',
  'bytes_received',
  'model',
  'response_model',
  'provider',
  'request_id',
  'request_source',
  'flags',
  'upstream_member',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
] as const;
export type JsonField = (typeof JSON_FIELDS)[number];
export type FieldMapping = Partial<Record<JsonField, FieldSpec>>;

export const JSON_PRESETS: Record<string, FieldMapping> = {
  kong: {
    time: { path: 'started_at', unit: 'ms' },
    method: 'request.method',
    path: 'request.uri',
    status: 'response.status',
    duration: { path: 'latencies.request', unit: 'ms' },
    upstream_duration: { path: 'latencies.proxy', unit: 'ms' },
    upstream_status: 'upstream_status',
    upstream_attempts: 'tries',
    upstream_member: 'tries.-1.ip',
    bytes_sent: 'response.size',
    bytes_received: 'request.size',
    model: 'ai.proxy.meta.request_model',
    response_model: 'ai.proxy.meta.response_model',
    provider: 'ai.proxy.meta.provider_name',
    request_id: 'request.id',
    request_source: 'request.headers.x-request-source',
    prompt_tokens: 'ai.proxy.usage.prompt_tokens',
    completion_tokens: 'ai.proxy.usage.completion_tokens',
    total_tokens: 'ai.proxy.usage.total_tokens',
    ttfb: { path: 'ai.proxy.usage.time_to_first_token', unit: 'ms' },
  },
  caddy: {
    time: { path: 'ts', unit: 's' },
    method: 'request.method',
    path: 'request.uri',
    status: 'status',
    duration: { path: 'duration', unit: 's' },
    bytes_sent: 'size',
    bytes_received: 'bytes_read',
    request_id: 'request.headers.X-Request-Id',
    request_source: 'request.headers.X-Request-Source',
    response_model: 'resp_headers.Openai-Model',
  },
  traefik: {
    time: 'StartUTC',
    method: 'RequestMethod',
    path: 'RequestPath',
    status: 'DownstreamStatus',
    upstream_status: 'OriginStatus',
    duration: { path: 'Duration', unit: 'ns' },
    upstream_duration: { path: 'OriginDuration', unit: 'ns' },
    retries: 'RetryAttempts',
    upstream_member: 'ServiceAddr|BackendAddr',
    bytes_sent: 'DownstreamContentSize',
    bytes_received: 'RequestContentSize',
    request_id: 'request_X-Request-Id',
    request_source: 'request_X-Request-Source',
  },
  /**
   * Envoy / Istio JSON access logs, and Envoy Gateway's default JSON format (which the Envoy AI
   * Gateway uses): its keys are the headers' names (`x-envoy-origin-path`, `x-request-id`).
   * `x-ai-eg-model` is the request header the Envoy AI Gateway sets to the model it routes on.
   */
  envoy: {
    time: 'start_time',
    method: 'method',
    path: 'x-envoy-origin-path|path',
    status: 'response_code',
    flags: 'response_flags',
    duration: { path: 'duration', unit: 'ms' },
    upstream_duration: { path: 'x-envoy-upstream-service-time|upstream_service_time', unit: 'ms' },
    bytes_sent: 'bytes_sent',
    bytes_received: 'bytes_received',
    request_id: 'x-request-id|request_id',
    request_source: 'x-request-source',
    model: 'x-ai-eg-model',
    upstream_member: 'upstream_host',
  },
  /** LiteLLM StandardLoggingPayload (callbacks / JSON logs). */
  litellm: {
    time: { path: 'startTime', unit: 's' },
    path: 'call_type',
    // failures only: a successful call has `status: "success"` and no error code (derived below)
    status: 'error_information.error_code',
    duration: { path: 'response_time', unit: 's' },
    model: 'model_group',
    response_model: 'model',
    provider: 'custom_llm_provider',
    request_id: 'id',
    prompt_tokens: 'prompt_tokens',
    completion_tokens: 'completion_tokens',
    total_tokens: 'total_tokens',
  },
};

/** What a preset knows beyond its field mapping, applied after the fields were read. */
export type JsonDerive = (obj: Record<string, unknown>, f: LineFields) => void;

export const JSON_DERIVE: Record<string, JsonDerive> = {
  // LiteLLM writes an error code on failures only; `status: "success"` is a call that worked.
  litellm: (obj, f) => {
    if (f.status === undefined && obj.status === 'success') f.status = 200;
  },
  // No OriginStatus with a 5xx: Traefik answered itself because no attempt got an answer (a 502
  // after two retries is a failed last attempt, not "last attempt ok").
  traefik: (_obj, f) => {
    if (f.upstreamStatuses === undefined && f.status !== undefined && f.status >= 500) {
      f.upstreamFailed = true;
      f.upstreamAttempts ??= 1;
    }
  },
};

const UNIT_TO_MS: Record<Unit, number> = { s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

interface CompiledField {
  field: JsonField;
  /** One key list per alternative path (`a|b`). */
  alternatives: string[][];
  /** Multiplier to ms (durations and numeric times). */
  scale: number;
}

const COVERS: Partial<Record<JsonField, CoveredField>> = {
  status: 'status',
  duration: 'duration',
  upstream_duration: 'upstream_duration',
  ttfb: 'ttfb',
  upstream_status: 'upstream_status',
};

export class JsonLineParser implements LineParser {
  private readonly fields: CompiledField[];
  private readonly time = new TimeParser();
  readonly covers: ReadonlySet<CoveredField>;

  constructor(
    mapping: FieldMapping,
    private readonly derive?: JsonDerive,
  ) {
    this.fields = [];
    const covers = new Set<CoveredField>();
    for (const [field, spec] of Object.entries(mapping) as [JsonField, FieldSpec][]) {
      if (!(JSON_FIELDS as readonly string[]).includes(field))
        throw new ConfigError([`json fields: unknown field "${field}" (known: ${JSON_FIELDS.join(', ')})`]);
      const path = typeof spec === 'string' ? spec : spec.path;
      const unit: Unit = (typeof spec === 'string' ? undefined : spec.unit) ?? defaultUnit(field);
      this.fields.push({
        field,
        alternatives: path.split('|').map((p) => p.split('.')),
        scale: UNIT_TO_MS[unit],
      });
      const c = COVERS[field];
      if (c) covers.add(c);
    }
    this.covers = covers;
  }

  parse(line: string): LineFields | undefined {
    let start = 0;
    if (line.charCodeAt(0) !== 123 /* { */) {
      // Tolerate prefixes such as `caddy  | {...}` (docker compose) or `ACCESS {...}`.
      start = line.indexOf('{');
      if (start < 0) return undefined;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(start === 0 ? line : line.slice(start));
    } catch {
      return undefined;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    return this.fromObject(obj as Record<string, unknown>);
  }

  /** Maps an already-parsed object (also used by the regex parser on its named groups). */
  fromObject(obj: Record<string, unknown>): LineFields {
    const f: LineFields = emptyFields();
    for (const c of this.fields) {
      let v: unknown;
      for (const keys of c.alternatives) {
        v = lookup(obj, keys);
        if (v !== undefined && v !== null) break;
      }
      if (v === undefined || v === null || v === '' || v === '-') continue;
      this.set(f, c, v);
    }
    if (this.derive) this.derive(obj, f);
    return f;
  }

  private set(f: LineFields, c: CompiledField, v: unknown): void {
    switch (c.field) {
      case 'time':
        if (typeof v === 'number') f.timeMs = toNum(v, c.scale);
        else if (typeof v === 'string')
          f.timeMs = /^\d+(\.\d+)?$/.test(v) ? toNum(v, c.scale) : this.time.iso(v);
        return;
      // -1 is "not available" (AWS, HAProxy): absent, never a negative duration
      case 'duration':
        f.totalMs = toDuration(v, c.scale);
        return;
      case 'upstream_duration':
        f.upstreamMs = toDuration(v, c.scale);
        return;
      case 'ttfb':
        f.ttfbMs = toDuration(v, c.scale);
        return;
      case 'connect':
        f.connectMs = toDuration(v, c.scale);
        return;
      case 'status':
        f.status = toNum(v, 1);
        return;
      case 'upstream_status': {
        // 0 is "no status" (Traefik's OriginStatus when no upstream answered)
        if (typeof v === 'number') f.upstreamStatuses = v > 0 ? [v] : undefined;
        else if (typeof v === 'string') {
          const list = splitUpstreamList(v);
          f.upstreamStatuses = list.items.map(Number).filter((n) => Number.isFinite(n) && n > 0);
          if (f.upstreamStatuses.length === 0) f.upstreamStatuses = undefined;
          f.upstreamGroups = list.groups;
        }
        if (f.upstreamStatuses)
          f.upstreamAttempts = Math.max(f.upstreamAttempts ?? 0, f.upstreamStatuses.length);
        return;
      }
      case 'upstream_attempts': {
        const n = Array.isArray(v) ? v.length : toNum(v, 1);
        if (n !== undefined) f.upstreamAttempts = Math.max(f.upstreamAttempts ?? 0, n);
        return;
      }
      case 'retries': {
        const n = toNum(v, 1);
        if (n !== undefined && n > 0) f.upstreamAttempts = Math.max(f.upstreamAttempts ?? 0, n + 1);
        return;
      }
      case 'bytes_sent':
        f.bytesSent = toNum(v, 1);
        return;
      case 'bytes_received':
        f.bytesReceived = toNum(v, 1);
        return;
      case 'prompt_tokens':
        f.promptTokens = toNum(v, 1);
        return;
      case 'completion_tokens':
        f.completionTokens = toNum(v, 1);
        return;
      case 'total_tokens':
        f.totalTokens = toNum(v, 1);
        return;
      case 'request_source':
        f.synthetic = str(v) === SYNTHETIC_HEADER_VALUE;
        return;
      case 'method':
        f.method = str(v);
        return;
      case 'path':
        f.path = str(v);
        return;
      case 'model':
        f.model = str(v);
        return;
      case 'response_model':
        f.responseModel = str(v);
        return;
      case 'provider':
        f.provider = str(v);
        return;
      case 'request_id':
        f.requestId = str(v);
        return;
      case 'flags':
        f.flags = str(v);
        return;
      case 'upstream_member': {
        const m = str(v);
        if (m !== undefined) f.upstreamMembers = splitUpstreamList(m).items;
        return;
      }
    }
  }
}

/** Numbers without a unit: ms for durations, epoch ms for times (Kong, Envoy). */
function defaultUnit(_field: JsonField): Unit {
  return 'ms';
}

/** Follows dotted keys; a key that exists literally with dots (`request_X-Request-Id`) also works. */
function lookup(obj: Record<string, unknown>, keys: string[]): unknown {
  if (keys.length > 1) {
    const whole = obj[keys.join('.')];
    if (whole !== undefined) return whole;
  }
  let cur: unknown = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    // `-1`: the last element of an array (Kong's `tries`)
    cur = k === '-1' && Array.isArray(cur) ? cur[cur.length - 1] : (cur as Record<string, unknown>)[k];
  }
  // Caddy logs headers as arrays of values.
  if (Array.isArray(cur) && keys.length > 1 && cur.length > 0 && typeof cur[0] === 'string') return cur[0];
  return cur;
}

function toDuration(v: unknown, scale: number): number | undefined {
  const n = toNum(v, scale);
  return n === undefined || n < 0 ? undefined : n;
}

function toNum(v: unknown, scale: number): number | undefined {
  const n = (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN) * scale;
  // checked after scaling: 1e306 seconds is finite, in milliseconds it is Infinity (property test)
  return Number.isFinite(n) ? n : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return latin1ToUtf8(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
