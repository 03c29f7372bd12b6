// SPDX-License-Identifier: Apache-2.0
// A real pino logger whose JSON lines are kept in memory, so tests can assert on what was logged.
import { pino } from 'pino';
import type { Logger } from '../telemetry/logger.js';

export interface LogCapture {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  /** Lines whose message matches. */
  matching(re: RegExp): Array<Record<string, unknown>>;
}

export function captureLogger(): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { logger, lines, matching: (re) => lines.filter((l) => re.test(String(l.msg))) };
}
