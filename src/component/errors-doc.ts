// SPDX-License-Identifier: Apache-2.0
// docs/errors.md, generated from the error catalog (`npm run generate`); errors-catalog.test.ts
// fails when the file and this rendering differ.
import { ERROR_CATALOG } from './errors.js';

const MARKS = {
  permanent: 'trying the same again cannot help',
  retryable: 'tried again after a back-off',
  throttled: 'tried again, not before the peer’s Retry-After',
} as const;

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/component/errors.ts by `npm run generate`; do not edit by hand. -->',
    '',
    'Every error that stops a command or the agent, refuses data or loses data carries one of',
    'these codes: the `code` field of a JSON log line, the end of a CLI message. The retry mark',
    'decides what happens next: the OTLP exporter retries only codes not marked `permanent`, the',
    'access-log receiver offers a refused batch again unless the refusal was `permanent`, and a',
    'CLI command that ends on an error exits with the code’s exit status. An unexpected internal',
    'error (a bug) is logged with its message and no code, and counted in',
    '`driftwatch_component_errors_total`; please report it.',
    '',
    'Retry marks: ' +
      Object.entries(MARKS)
        .map(([k, v]) => `\`${k}\`, ${v}`)
        .join('; ') +
      '.',
    '',
    'Verdicts about the *watched* API (error classes such as `rate_limit` or `bad_request`, their',
    'owner and retry advice) are not agent errors: they are data, documented in',
    '[contracts.md](contracts.md).',
    '',
    '| code | retry | exit | what happened | what to do |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [code, e] of Object.entries(ERROR_CATALOG))
    lines.push(`| \`${code}\` | ${e.retry} | ${e.exit} | ${e.summary} | ${e.action} |`);
  return lines.join('\n') + '\n';
}
