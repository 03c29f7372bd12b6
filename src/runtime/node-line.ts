// SPDX-License-Identifier: Apache-2.0
// The Node.js release lines driftwatch knows and when each reaches end of life, from the
// Node.js release schedule (github.com/nodejs/Release, schedule.json). An agent on a line past
// its end of life gets no security fixes, so `run` warns at start; a line newer than this
// table is not judged.
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
};

/** The lines CI runs the whole suite on (`.ci/run`), oldest first. */
export const TESTED_NODE_LINES: readonly number[] = [20, 22, 24, 26];

export interface NodeLineStatus {
  major: number;
  /** ISO date, when the table knows the line. */
  endOfLife?: string;
  pastEndOfLife: boolean;
}

export function nodeLineStatus(
  version: string = process.versions.node,
  now: Date = new Date(),
): NodeLineStatus {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  const endOfLife = NODE_END_OF_LIFE[major];
  // End of life is the end of that day (UTC).
  const pastEndOfLife =
    endOfLife !== undefined && now.getTime() >= Date.parse(`${endOfLife}T00:00:00Z`) + 86_400_000;
  return { major, ...(endOfLife ? { endOfLife } : {}), pastEndOfLife };
}

/** The start-up warning for a line past its end of life, or undefined. */
export function endOfLifeWarning(status: NodeLineStatus): string | undefined {
  if (!status.pastEndOfLife) return undefined;
  const supported = TESTED_NODE_LINES.filter((l) => !nodeLineStatus(`${l}.0.0`).pastEndOfLife);
  return (
    `Node.js ${status.major} reached end of life on ${status.endOfLife} and gets no security fixes; ` +
    `run driftwatch on a supported line (${supported.join(', ')}).`
  );
}
