// SPDX-License-Identifier: Apache-2.0
// Duration strings in component configs: `500ms`, `10s`, `5m`, `1h`, `1d`, and Go / Collector
// style compounds such as `1m30s` or `1h2m3.5s` (what operators paste from otelcol configs).
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const PART = '\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d)';
const COMPOUND = new RegExp(`^\\s*((?:${PART})+)\\s*$`);

/** Pattern of a duration string in the JSON Schemas: one or more number+unit parts. */
export const DURATION_PATTERN = `^\\s*(${PART})+\\s*$`;

/**
 * `250ms`, `10s`, `1m30s`, `2h`, `1d`; a bare number (string or number) is milliseconds for
 * callers that take one (process settings do not: see isBareNumber).
 */
export function parseDurationMs(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v));
  const m = COMPOUND.exec(v);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[1].matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g))
    total += Number(part[1]) * UNIT_MS[part[2]];
  return Math.round(total);
}

/** `30` or "30": a number where a duration is expected (30 ms or 30 s? refused with a hint). */
export function isBareNumber(v: unknown): boolean {
  return typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v));
}

/** The hint for a bare number: both readings, so the user picks. */
export function bareNumberHint(v: unknown): string {
  const n = String(v).trim();
  return `a bare number is not a duration: write ${n}s or ${n}ms (units: ms, s, m, h, d; 1m30s works)`;
}
