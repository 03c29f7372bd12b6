// SPDX-License-Identifier: Apache-2.0
// The JSON Schema of a contract file (config/contracts/*.yaml). Defaults are applied by ajv,
// unknown keys are rejected so a typo is an error, not a silently ignored assumption.
import type { JsonSchema } from '../component/factory.js';

const schemaPair: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['strict', 'compat'],
  properties: {
    strict: { type: 'string', description: 'FILE#/json/pointer, relative to the contract file' },
    compat: { type: 'string', description: 'FILE#/json/pointer, relative to the contract file' },
  },
};

const jsonType = { enum: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] };
const statusList = { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, default: [] };
const errorClass = {
  enum: [
    'auth',
    'bad_request',
    'rate_limit',
    'timeout',
    'upstream',
    'network',
    'redirect',
    'parse',
    'schema',
    'client_abort',
    'unknown',
  ],
};

export const contractFileSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['contract_version', 'id', 'provider', 'docs', 'endpoint', 'response'],
  properties: {
    contract_version: { const: 1 },
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', description: 'lower-case id' },
    provider: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', description: 'lower-case provider name' },
    docs: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'reviewed'],
      properties: {
        url: { type: 'string', pattern: '^https?://', description: 'an http(s) URL' },
        reviewed: {
          type: 'string',
          pattern: '^\\d{4}-\\d{2}-\\d{2}$',
          description: 'the date of the last review, YYYY-MM-DD',
        },
      },
    },
    endpoint: {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: {
        method: { enum: ['POST', 'GET'], default: 'POST' },
        path: { type: 'string', pattern: '^/', description: 'a route template starting with /' },
        timeout_budget: {
          type: ['string', 'integer'],
          pattern: '^\\d+(\\.\\d+)?(ms|s|m|h)?$',
          default: '60s',
          description: 'a duration such as 30s',
        },
      },
    },
    request: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        required_headers: { type: 'array', items: { type: 'string' }, default: [] },
        minimum_body: { type: 'object', default: {} },
      },
    },
    response: {
      type: 'object',
      additionalProperties: false,
      required: ['schema'],
      properties: {
        schema: schemaPair,
        reads: {
          type: 'array',
          default: [],
          maxItems: 64,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: {
              path: {
                type: 'string',
                pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\[\\d+\\]|\\.[A-Za-z_][A-Za-z0-9_]*)*$',
                description: 'a path such as choices[0].message.content',
              },
              type: { anyOf: [jsonType, { type: 'array', items: jsonType, minItems: 1 }] },
              required: { type: 'boolean', default: true },
            },
          },
        },
        finish_reasons: {
          type: 'array',
          items: { type: 'string' },
          default: ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'],
        },
        usage_from: { type: 'array', items: { type: 'string' }, default: ['usage'] },
        extra_fields: {
          type: 'array',
          default: [],
          maxItems: 64,
          description:
            'fields the provider documents beyond the schema (not drift), e.g. choices[].content_filter_results',
          items: {
            type: 'string',
            pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\[\\]|\\.[A-Za-z_][A-Za-z0-9_]*)*$',
          },
        },
      },
    },
    stream: {
      type: 'object',
      additionalProperties: false,
      properties: {
        schema: schemaPair,
        done_expected: { type: 'boolean', default: true },
        usage_from: { type: 'array', items: { type: 'string' }, default: ['usage'] },
        usage_expected: { enum: ['always', 'when_requested', 'never'], default: 'when_requested' },
        extra_fields: {
          type: 'array',
          default: [],
          maxItems: 64,
          description:
            'fields the provider documents beyond the schema (not drift), e.g. choices[].content_filter_results',
          items: {
            type: 'string',
            pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\[\\]|\\.[A-Za-z_][A-Za-z0-9_]*)*$',
          },
        },
      },
    },
    errors: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        schema: schemaPair,
        request_id_in_message: { type: 'boolean', default: false },
        rules: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['when', 'class'],
            properties: {
              when: {
                type: 'object',
                additionalProperties: false,
                minProperties: 1,
                properties: {
                  status: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] },
                  code: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
                  type: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
                  message_matches: { type: 'string', description: 'a regular expression' },
                },
              },
              class: errorClass,
              sub_reason: { type: 'string', pattern: '^[a-z0-9_]+$', description: 'lower_snake_case' },
              retryable: { type: 'boolean' },
            },
          },
        },
        classes: {
          type: 'object',
          default: {},
          propertyNames: errorClass,
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              owner: { type: 'string' },
              first_action: { type: 'string' },
              runbook: { type: 'string' },
              retryable: { type: 'boolean' },
            },
          },
        },
      },
    },
    usage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        required: { type: 'boolean', default: false },
        fields: {
          type: 'array',
          items: { type: 'string' },
          default: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
        },
        max_tokens_allowance: { type: 'integer', minimum: 0, default: 0 },
      },
    },
    statuses: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { retryable: statusList, non_retryable: statusList },
    },
    accepted: {
      type: 'array',
      default: [],
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'reason', 'review_by'],
        properties: {
          path: {
            type: 'string',
            minLength: 1,
            description: 'a finding path such as choices[].message.refusal',
          },
          kind: { enum: ['missing', 'type', 'enum', 'unexpected', 'value', 'usage', 'shape', 'stream'] },
          reason: { type: 'string', minLength: 1 },
          review_by: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a YYYY-MM-DD date' },
        },
      },
    },
    shapes: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        learn: { type: 'boolean', default: true },
        baseline: {
          type: 'array',
          items: { type: 'string', pattern: '^[0-9a-f]{16}$', description: '16 hex digits' },
          default: [],
        },
      },
    },
  },
};
