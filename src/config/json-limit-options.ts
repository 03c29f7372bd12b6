// SPDX-License-Identifier: Apache-2.0
// The JSON limit options of the receivers that judge bodies (probe, proxy): one declaration,
// with the defaults of util/json-limits.ts, so the two receivers cannot drift apart.
import { DEFAULT_JSON_LIMITS } from '../util/json-limits.js';
import { Type } from './typed-schema.js';

/** The receiver options `jsonLimitsOf` reads; probe and proxy spread them into their schemas. */
export const jsonLimitOptions = {
  max_json_depth: Type.Integer({
    minimum: 1,
    default: DEFAULT_JSON_LIMITS.maxDepth,
    description:
      'deepest JSON nesting of a body or stream event that is parsed and judged; deeper ones are not (parse too_deep)',
  }),
  max_json_values: Type.Integer({
    minimum: 1,
    default: DEFAULT_JSON_LIMITS.maxValues,
    description:
      'most JSON values in a body or stream event that is parsed and judged; larger ones are not (parse too_many_values)',
  }),
};
