// SPDX-License-Identifier: Apache-2.0
// Duration strings in component configs: `500ms`, `10s`, `5m`, `1h`, `1d`.
/** `250ms`, `10s`, `5m`, `2h`, `1d`, or a bare number of milliseconds. */
export function parseDurationMs(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return Math.round(n * mult);
}

/** JSON Schema fragment for a duration field. */
export function durationSchema(def: string, description: string): Record<string, unknown> {
  return {
    type: ['string', 'number'],
    pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$',
    default: def,
    description,
  };
}
