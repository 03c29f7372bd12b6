// SPDX-License-Identifier: Apache-2.0
// The `contract` option shared by the processors that judge records against a contract
// (validate, classify): its schema and its load check at config validation.
import { ConfigError } from '../component/errors.js';
import type { ConfigProblem, JsonSchema } from '../component/factory.js';
import { DEFAULT_CONTRACT, loadContract } from './load.js';

export const contractPathSchema: JsonSchema = {
  type: 'string',
  minLength: 1,
  default: DEFAULT_CONTRACT,
  description: 'contract file; relative paths are tried against the working directory, then the package',
};

/** Problems loading the contract at `path`, reported at the `contract` option. */
export function contractPathProblems(path: string): ConfigProblem[] {
  try {
    loadContract(path);
    return [];
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [(err as Error).message];
    return problems.map((message) => ({ path: ['contract'], message }));
  }
}
