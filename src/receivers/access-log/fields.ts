// SPDX-License-Identifier: Apache-2.0
// What a parser extracts from one access-log line, in canonical units (ms, epoch ms, bytes),
// before it becomes a CallRecord. Parsers work on latin1-decoded lines so that string offsets
// equal byte offsets; string values that may hold UTF-8 are re-decoded when kept.

export interface LineFields {
  timeMs?: number;
  method?: string;
  /** Raw path as logged (query string included); the route normaliser makes it a template. */
  path?: string;
  status?: number;
  totalMs?: number;
  /** Upstream time of the last attempt. */
  upstreamMs?: number;
  /** Upstream header time of the last attempt (time to first byte). */
  ttfbMs?: number;
  /** Upstream connect time of the last attempt. */
  connectMs?: number;
  /** The format logged a connect time and the last attempt has none (`-`): it never connected. */
  connectFailed?: boolean;
  upstreamStatuses?: number[];
  upstreamAttempts?: number;
  /** Upstream groups tried (nginx ` : ` = internal redirect, i.e. a fallback). */
  upstreamGroups?: number;
  bytesSent?: number;
  bytesReceived?: number;
  model?: string;
  responseModel?: string;
  provider?: string;
  requestId?: string;
  synthetic?: boolean;
  /** Envoy response flags (`UF,URX`) or similar proxy termination codes. */
  flags?: string;
  /** HAProxy `%tsc` termination state when it is not the normal `----`. */
  terminationState?: string;
  /** The last upstream attempt failed without an upstream status (HAProxy `S…`, Traefik 502 with no origin). */
  upstreamFailed?: boolean;
  /** HAProxy `+N` retries: the request was redispatched to another server. */
  redispatched?: boolean;
  /** Upstream members tried, in order (`$upstream_addr`, HAProxy `%s`, ALB target). */
  upstreamMembers?: string[];
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

/**
 * A LineFields with every property present from the start: all lines then share one hidden
 * class, which keeps the per-variable setters monomorphic on the hot path.
 */
export function emptyFields(): LineFields {
  return {
    timeMs: undefined,
    method: undefined,
    path: undefined,
    status: undefined,
    totalMs: undefined,
    upstreamMs: undefined,
    ttfbMs: undefined,
    connectMs: undefined,
    connectFailed: undefined,
    upstreamStatuses: undefined,
    upstreamAttempts: undefined,
    upstreamGroups: undefined,
    bytesSent: undefined,
    bytesReceived: undefined,
    model: undefined,
    responseModel: undefined,
    provider: undefined,
    requestId: undefined,
    synthetic: undefined,
    flags: undefined,
    terminationState: undefined,
    upstreamFailed: undefined,
    redispatched: undefined,
    upstreamMembers: undefined,
    promptTokens: undefined,
    completionTokens: undefined,
    totalTokens: undefined,
  };
}

/** Fields whose absence on most lines is worth a warning (status and timings). */
export type CoveredField = 'status' | 'duration' | 'upstream_duration' | 'ttfb' | 'upstream_status';

/** Why a line gave no record, beyond "it did not match". */
export type RejectReason = 'trailing_content';

/** A compiled parser: `undefined` means the line did not parse (counted, never thrown). */
export interface LineParser {
  parse(line: string): LineFields | undefined;
  /** Set by `parse()` when it returned undefined for a known reason. */
  readonly lastReject?: RejectReason;
  /** Status and timing fields the format declares (the "empty on most lines" check watches them). */
  readonly covers?: ReadonlySet<CoveredField>;
  /** Config-time remarks (a variable that looks like a timing but is not read). */
  readonly notes?: readonly string[];
}

/** A parsed line describes a call when it gave at least a status, a path or a model. */
export function describesCall(f: LineFields | undefined): f is LineFields {
  return f !== undefined && (f.status !== undefined || f.path !== undefined || f.model !== undefined);
}

/** Header value the synthetic probe sends; a line that logs it is marked synthetic. */
export const SYNTHETIC_HEADER_VALUE = 'synthetic-contract-probe';
