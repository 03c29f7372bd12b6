// SPDX-License-Identifier: Apache-2.0
// Structured JSON logs (pino) on stderr, a child logger per component, and a rate limiter
// for error logs so a failing loop cannot flood the output.
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Destination file descriptor; stderr by default so stdout stays for the debug exporter. */
  fd?: number;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'driftwatch' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Defence in depth: even if a secret-bearing object slips into a log call, these paths are masked.
      redact: {
        paths: [
          'api_key',
          '*.api_key',
          'headers.authorization',
          '*.headers.authorization',
          'authorization',
          'config.api_key',
        ],
        censor: '[REDACTED]',
      },
    },
    pino.destination({ fd: opts.fd ?? 2, sync: true }),
  );
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Lets at most `burst` messages per key through every `intervalMs`, then counts the rest and
 * reports how many were suppressed when the window reopens.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, { start: number; count: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
    private readonly burst = 5,
    private readonly now: () => number = Date.now,
  ) {}

  error(key: string, fields: Record<string, unknown>, msg: string): void {
    this.log('error', key, fields, msg);
  }

  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    this.log('warn', key, fields, msg);
  }

  private log(level: 'error' | 'warn', key: string, fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.intervalMs) {
      const suppressed = w?.suppressed ?? 0;
      w = { start: t, count: 0, suppressed: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 1000) this.windows.delete(this.windows.keys().next().value as string);
      if (suppressed > 0) fields = { ...fields, suppressed };
    }
    if (w.count < this.burst) {
      w.count++;
      this.logger[level](fields, msg);
    } else {
      w.suppressed++;
    }
  }
}
