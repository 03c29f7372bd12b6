// SPDX-License-Identifier: Apache-2.0
// Typed errors with stable codes, in one catalog (undici/fastify style). Each carries its
// retry semantics so callers never guess from a message.

export type Retryability = 'permanent' | 'retryable' | 'throttled';

export const ERROR_CATALOG = {
  DW_ERR_CONFIG_INVALID: {
    retry: 'permanent',
    summary: 'The configuration has errors; each is listed with its file and key.',
  },
  DW_ERR_CONFIG_FILE: { retry: 'permanent', summary: 'A configuration file is missing or cannot be parsed.' },
  DW_ERR_COMPONENT_START: {
    retry: 'permanent',
    summary: 'A component failed to start (for example its port is in use).',
  },
  DW_ERR_SHUTDOWN: { retry: 'permanent', summary: 'One or more components failed to shut down cleanly.' },
  DW_ERR_EXPORT_PERMANENT: {
    retry: 'permanent',
    summary: 'The backend refused the data; retrying would not help.',
  },
  DW_ERR_EXPORT_RETRYABLE: {
    retry: 'retryable',
    summary: 'The backend could not take the data now; it will be retried.',
  },
  DW_ERR_EXPORT_THROTTLED: {
    retry: 'throttled',
    summary: 'The backend asked to slow down (429 / Retry-After).',
  },
  DW_ERR_QUEUE_FULL: {
    retry: 'permanent',
    summary: 'The sending queue is full; the newest data was dropped and counted.',
  },
  DW_ERR_SHUTTING_DOWN: {
    retry: 'permanent',
    summary: 'The component is shutting down and takes no more data.',
  },
  DW_ERR_EXPORT_GUARD: {
    retry: 'permanent',
    summary: 'An outgoing payload contained a configured secret or probe prompt and was dropped.',
  },
} as const satisfies Record<string, { retry: Retryability; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class DriftwatchError extends Error {
  readonly code: ErrorCode;
  readonly retry: Retryability;
  /** For throttled errors: the minimum wait the peer asked for. */
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DriftwatchError';
    this.code = code;
    this.retry = ERROR_CATALOG[code].retry;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Configuration problems, all of them at once; never printed with a stack. */
export class ConfigError extends DriftwatchError {
  readonly problems: string[];
  constructor(
    problems: string[],
    code: 'DW_ERR_CONFIG_INVALID' | 'DW_ERR_CONFIG_FILE' = 'DW_ERR_CONFIG_INVALID',
  ) {
    super(code, problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
