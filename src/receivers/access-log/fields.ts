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
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

/** A compiled parser: `undefined` means the line did not parse (counted, never thrown). */
export interface LineParser {
  parse(line: string): LineFields | undefined;
}

/** Header value the synthetic probe sends; a line that logs it is marked synthetic. */
export const SYNTHETIC_HEADER_VALUE = 'synthetic-contract-probe';
