// SPDX-License-Identifier: Apache-2.0
// The JSON Schema of a whole driftwatch config file, composed from the component schemas of a
// registry, for editors (YAML language server) and CI. Generated, never hand-edited: the
// committed config/driftwatch.schema.json is checked against this output by a test.
import type { Kind } from '../component/component.js';
import type { AnyFactory, JsonSchema } from '../component/factory.js';
import type { Registry } from '../pipeline/registry.js';
import { telemetrySchema } from '../telemetry/telemetry-config.js';

export const SCHEMA_ID = 'urn:driftwatch:config-schema';

const SECTIONS: Array<[string, Kind]> = [
  ['receivers', 'receiver'],
  ['processors', 'processor'],
  ['exporters', 'exporter'],
  ['extensions', 'extension'],
];

/** `${env:VAR}` / `${env:VAR:-default}`: allowed wherever a number or boolean is expected. */
const ENV_REF = { type: 'string', pattern: '^\\$\\{env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$' };

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A deep copy where non-string scalars also accept an `${env:…}` reference (expanded at load). */
function allowEnvRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowEnvRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = Object.fromEntries(
    Object.entries(schema as Record<string, unknown>).map(([k, v]) =>
      k === 'properties' || k === 'patternProperties' || k === 'definitions' || k === '$defs'
        ? [k, Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, allowEnvRefs(pv)]))]
        : k === 'default' || k === 'enum' || k === 'const' || k === 'examples'
          ? [k, v]
          : [k, allowEnvRefs(v)],
    ),
  );
  const types = ([] as unknown[]).concat(s.type ?? []);
  if (types.some((t) => t === 'integer' || t === 'number' || t === 'boolean') && !types.includes('string')) {
    const { description, default: def, ...rest } = s;
    return {
      ...(description ? { description } : {}),
      ...(def !== undefined ? { default: def } : {}),
      anyOf: [rest, ENV_REF],
    };
  }
  return s;
}

function componentDefinition(f: AnyFactory): JsonSchema {
  const body = allowEnvRefs(f.configSchema) as JsonSchema;
  return {
    description: `${f.kind} \`${f.type}\` (${f.stability}): ${f.description}`,
    // `type:` with nothing after it means "all defaults".
    anyOf: [{ type: 'null' }, body],
  };
}

function refList(kind: string): JsonSchema {
  return {
    type: 'array',
    items: { type: 'string', minLength: 1 },
    uniqueItems: true,
    description: `${kind} ids`,
  };
}

export function buildFullSchema(registry: Registry): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  const properties: Record<string, JsonSchema> = {};
  for (const [section, kind] of SECTIONS) {
    const patternProperties: Record<string, JsonSchema> = {};
    for (const type of registry.types(kind)) {
      const f = registry.get(kind, type) as AnyFactory;
      const def = `${kind}.${type}`;
      definitions[def] = componentDefinition(f);
      patternProperties[`^${escapeRegex(type)}(/.+)?$`] = { $ref: `#/definitions/${def}` };
    }
    properties[section] = {
      type: ['object', 'null'],
      description: `${section}: ids are \`type\` or \`type/name\``,
      patternProperties,
      additionalProperties: false,
    };
  }
  properties.service = {
    type: 'object',
    additionalProperties: false,
    required: ['pipelines'],
    properties: {
      extensions: refList('extension'),
      telemetry: telemetrySchema,
      pipelines: {
        type: 'object',
        minProperties: 1,
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['receivers', 'exporters'],
          properties: {
            receivers: { ...refList('receiver'), minItems: 1 },
            processors: refList('processor'),
            exporters: { ...refList('exporter'), minItems: 1 },
          },
        },
      },
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'driftwatch configuration',
    description:
      'Generated from the component schemas by `driftwatch schema`. Point the YAML language server at it: `# yaml-language-server: $schema=…/config/driftwatch.schema.json`.',
    type: 'object',
    additionalProperties: false,
    required: ['service'],
    properties,
    definitions,
  };
}
