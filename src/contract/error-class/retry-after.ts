// SPDX-License-Identifier: Apache-2.0
// Retry hints: `retry-after-ms`, `Retry-After` (seconds or an HTTP date), else the Go-style
// duration OpenAI puts in 429 messages ("Please try again in 1m26.4s", "in 20s", "in 6ms").

export function retryAfterFromHeaders(
  h: Record<string, string> | undefined,
  nowMs: number,
): number | undefined {
  if (!h) return undefined;
  const ms = h['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const ra = h['retry-after'];
  if (ra === undefined) return undefined;
  const v = ra.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  return undefined;
}

export function retryAfterFromMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const m = /try again in ((?:\d+(?:\.\d+)?(?:h|ms|m|s))+)/i.exec(message);
  if (!m) return undefined;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[1])) !== null) {
    const n = Number(p[1]);
    total += p[2] === 'ms' ? n : p[2] === 's' ? n * 1000 : p[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return Math.round(total);
}
