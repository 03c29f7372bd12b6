// SPDX-License-Identifier: Apache-2.0
// Every error the agent raises or reports, with a stable code, in one catalog (fastify's
// lib/errors.js is the model). Each code carries its retry mark, and callers decide from the
// mark, never from a message: the OTLP retry loop, the access-log receiver's re-offer, the CLI's
// exit code. docs/errors.md is generated from this table (`npm run generate`) and
// src/component/errors-catalog.test.ts keeps code, catalog and doc in step.

/**
 * What the one who got the error should do: `permanent`, trying the same again cannot help;
 * `retryable`, try again after a back-off; `throttled`, try again, but not before the peer's
 * Retry-After.
 */
export type Retryability = 'permanent' | 'retryable' | 'throttled';

interface CatalogEntry {
  retry: Retryability;
  /** Exit code of a CLI command that ends on this error: 2 for a user's mistake, 1 at run time. */
  exit: 1 | 2;
  summary: string;
  /** What an operator does about it. */
  action: string;
}

export const ERROR_CATALOG = {
  DW_ERR_CONFIG_INVALID: {
    retry: 'permanent',
    exit: 2,
    summary: 'The configuration (or a contract, scenario or replay option) has errors.',
    action: 'Fix each listed problem; every one names its file and key.',
  },
  DW_ERR_CONFIG_FILE: {
    retry: 'permanent',
    exit: 2,
    summary: 'A configuration, contract or scenario file is missing or cannot be parsed.',
    action: 'Check the path and the YAML syntax at the line shown.',
  },
  DW_ERR_COMPONENT_START: {
    retry: 'permanent',
    exit: 1,
    summary: 'A component failed to start, for example because its port is in use.',
    action: 'Read the cause in the message; free the port or fix the setting it names.',
  },
  DW_ERR_SHUTDOWN: {
    retry: 'permanent',
    exit: 1,
    summary: 'A component failed to shut down cleanly or within the shutdown deadline.',
    action: 'Data it still held may be lost; look for the component named in the message.',
  },
  DW_ERR_SHUTTING_DOWN: {
    retry: 'retryable',
    exit: 1,
    summary: 'The component is shutting down (or being replaced by a reload) and takes no more data.',
    action: 'None: the sender keeps the data and offers it again to the running pipeline.',
  },
  DW_ERR_EXPORT_PERMANENT: {
    retry: 'permanent',
    exit: 1,
    summary:
      'The backend refused the data (an HTTP status other than 429/502/503/504); it is dropped and counted.',
    action: 'Check the endpoint, headers and the backend log; retrying the same data would not help.',
  },
  DW_ERR_EXPORT_RETRYABLE: {
    retry: 'retryable',
    exit: 1,
    summary: 'The backend could not take the data now (502/503/504, connection failure, timeout).',
    action: 'None while retries last; when they run out the data is dropped and counted.',
  },
  DW_ERR_EXPORT_THROTTLED: {
    retry: 'throttled',
    exit: 1,
    summary: 'The backend asked to slow down (429, or a Retry-After header).',
    action: 'None while retries last; raise the backend quota if it persists.',
  },
  DW_ERR_QUEUE_FULL: {
    retry: 'throttled',
    exit: 1,
    summary: 'The sending queue is full; the newest data is refused and counted.',
    action: 'The backend is slower than the intake: raise sending_queue.queue_size or fix the backend.',
  },
  DW_ERR_QUEUE_IO: {
    retry: 'retryable',
    exit: 1,
    summary: 'The persistent queue cannot write or delete a file (disk full, read-only, no permission).',
    action: 'Free space or fix the permissions of the queue folder named in the message (errno given).',
  },
  DW_ERR_SOURCE_IO: {
    retry: 'retryable',
    exit: 1,
    summary: 'A receiver cannot read a log file or folder, or cannot write its checkpoints.',
    action: 'Fix the permission or space problem at the path and errno in the log; it is retried.',
  },
  DW_ERR_EXPORT_GUARD: {
    retry: 'permanent',
    exit: 1,
    summary: 'An outgoing payload contained a configured secret or probe prompt and was dropped.',
    action: 'Find which attribute carries it (a header or body capture) and redact or stop capturing it.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
/** The codes an export attempt can end with. */
export type ExportErrorCode =
  'DW_ERR_EXPORT_PERMANENT' | 'DW_ERR_EXPORT_RETRYABLE' | 'DW_ERR_EXPORT_THROTTLED' | 'DW_ERR_SHUTTING_DOWN';

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

/** A persistent-queue file operation the disk refused; `errno` is the system's code (ENOSPC…). */
export class QueueIoError extends DriftwatchError {
  constructor(
    readonly op: 'open' | 'write' | 'delete',
    readonly path: string,
    readonly errno: string,
    cause: unknown,
  ) {
    super('DW_ERR_QUEUE_IO', `persistent queue: cannot ${op} ${path}: ${errno}`, { cause });
    this.name = 'QueueIoError';
  }
}

/** The catalog code of an error, for the `code` field of a log line; undefined outside the catalog. */
export function codeOf(err: unknown): ErrorCode | undefined {
  return err instanceof DriftwatchError ? err.code : undefined;
}

/** The retry mark of a code. */
export function retryOf(code: ErrorCode): Retryability {
  return ERROR_CATALOG[code].retry;
}

/**
 * The retry mark of anything a consumer rejected with. An error from outside the catalog (a
 * bug, a library) is `retryable`: keeping data is the safe side. Of several refusals (fan-out)
 * the data is offered again unless every one of them was permanent.
 */
export function retryOfError(err: unknown): Retryability {
  if (err instanceof DriftwatchError) return err.retry;
  if (err instanceof AggregateError && err.errors.length > 0) {
    const marks = err.errors.map(retryOfError);
    if (marks.every((m) => m === 'permanent')) return 'permanent';
    return marks.includes('throttled') ? 'throttled' : 'retryable';
  }
  return 'retryable';
}
