// SPDX-License-Identifier: Apache-2.0
// The one record-level decision behind the headline "schema-valid rate": the metric
// (llm.response.schema_valid / schema_invalid), the status page's rate and the alert all read
// this function, so a judged call counts once, in exactly one of the two.
import type { CallRecord } from '../model/call-record.js';

export type SchemaJudgement = 'valid' | 'invalid';

/**
 * `invalid` for a judged call whose response broke the contract: verdict `violation`, a body
 * that failed the contract's schema, non-JSON or an HTML page where JSON was expected, or an
 * unparseable stream (those are violations too, and classify names them `parse`, `schema` or
 * `html_not_json`). `valid` for any other judged call. `undefined` when nobody judged a response:
 * no verdict (access-log lines without a body, a refused connection), or a deliberate probe
 * (`invalid_request`, `timeout_boundary`), whose provoked failure is an expectation, not a
 * contract fault.
 */
export function schemaJudgement(r: CallRecord): SchemaJudgement | undefined {
  const f = r.findings;
  if (r.event || f.expectation) return undefined;
  if (r.response.status === undefined) return undefined; // no response came back: nothing to judge
  if (f.verdict === undefined && f.responseSchemaValid === undefined) return undefined;
  if (
    f.verdict === 'violation' ||
    f.responseSchemaValid === false ||
    f.errorClass === 'parse' ||
    f.errorClass === 'schema' ||
    f.subReason === 'html_not_json'
  )
    return 'invalid';
  return 'valid';
}
