// SPDX-License-Identifier: Apache-2.0
// Simulator scenarios: latency distributions, an error mix and drift modes, each with a rate or
// a schedule, and a seed. Loaded from YAML, validated with a JSON Schema, defaults applied.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../component/errors.js';
import { validateAgainst } from '../config/component-schema.js';
import { parseDurationMs } from '../util/duration.js';
import { ERROR_TEMPLATES } from './templates.js';
import type { Distribution } from './rng.js';

export const ERROR_MODES = Object.keys(ERROR_TEMPLATES);
export const DRIFT_MODES = [
  'usage_missing',
  'usage_null',
  'total_below_prompt',
  'empty_choices',
  'missing_content',
  'unknown_finish_reason',
  'new_field',
  'renamed_field',
  'html_200',
  'redirect_301',
  'stream_cut',
  'stream_error_event',
  'stream_error_invalid_request',
  'stream_error_rate_limit',
  'stream_stall',
  'missing_refusal',
  'continue_100',
] as const;
/** Transport faults for bad-input tests. */
export const FAULT_MODES = [
  'hang',
  'body_never_ends',
  'huge_body',
  'invalid_json',
  'empty_body',
  'gzip',
  'sse_garbage',
  'stream_never_ends',
  'reset',
  'deep_body',
  'many_choices',
  'many_keys',
  'long_stream',
] as const;
export const ALL_MODES: readonly string[] = ['normal', ...ERROR_MODES, ...DRIFT_MODES, ...FAULT_MODES];
/** Modes that only make sense on a streamed request; a non-stream request gets `normal`. */
export const STREAM_ONLY = new Set([
  'stream_cut',
  'stream_error_event',
  'stream_error_invalid_request',
  'stream_error_rate_limit',
  'stream_stall',
  'sse_garbage',
  'stream_never_ends',
  'long_stream',
]);

export interface ModeRule {
  mode: string;
  /** Probability per request (0..1), drawn from the seeded generator. */
  rate?: number;
  /** Active windows: every `every`, for `for`, starting `offset` after the simulator started. */
  schedule?: { every: number; for: number; offset: number };
  /** Restrict to `stream` or `non_stream` requests. */
  applies_to: 'any' | 'stream' | 'non_stream';
}

export interface Scenario {
  name: string;
  seed: number;
  models: string[];
  /** How a request for an unknown model is answered. */
  unknown_model: 'error_404_model' | 'error_500_invalid_request';
  /** When set, requests without `Authorization: Bearer <api_key>` get 401. */
  api_key: string;
  answer: string;
  /** Content chunks in a streamed answer. */
  chunks: number;
  latency: { ttfb: Distribution; first_token: Distribution; chunk_gap: Distribution };
  rules: ModeRule[];
  /** Honour `X-Simulator-Mode: <mode>` request headers (tests, demos). */
  header_override: boolean;
  /** nginx-style access log of what was served ('' = off). */
  access_log: string;
}

const dur = { type: ['string', 'number'] };
const distSchema = (def: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    dist: { enum: ['fixed', 'uniform', 'normal', 'lognormal'], default: 'fixed' },
    value: dur,
    min: dur,
    max: dur,
    spread: { type: ['string', 'number'] },
  },
  default: def,
});
const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode'],
  properties: {
    mode: { enum: ALL_MODES },
    rate: { type: 'number', minimum: 0, maximum: 1 },
    schedule: {
      type: 'object',
      additionalProperties: false,
      required: ['every', 'for'],
      properties: { every: dur, for: dur, offset: dur },
    },
    applies_to: { enum: ['any', 'stream', 'non_stream'], default: 'any' },
  },
};

export const scenarioSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', default: 'default' },
    seed: { type: 'integer', default: 1 },
    models: { type: 'array', items: { type: 'string' }, default: ['gpt-4o-mini'] },
    unknown_model: { enum: ['error_404_model', 'error_500_invalid_request'], default: 'error_404_model' },
    api_key: { type: 'string', default: '' },
    answer: { type: 'string', default: 'pong.' },
    chunks: { type: 'integer', minimum: 1, maximum: 1000, default: 3 },
    latency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ttfb: distSchema({ dist: 'fixed', value: 50 }),
        first_token: distSchema({ dist: 'fixed', value: 30 }),
        chunk_gap: distSchema({ dist: 'fixed', value: 10 }),
      },
      default: {},
    },
    errors: { type: 'array', items: ruleSchema, default: [] },
    drift: { type: 'array', items: ruleSchema, default: [] },
    faults: { type: 'array', items: ruleSchema, default: [] },
    header_override: { type: 'boolean', default: true },
    access_log: { type: 'string', default: '' },
  },
};

function ms(v: unknown, path: string, problems: string[], def = 0): number {
  if (v === undefined) return def;
  const n = parseDurationMs(v as string | number);
  if (n === undefined) problems.push(`${path}: ${JSON.stringify(v)} is not a duration (e.g. 200ms, 2s, 5m)`);
  return n ?? def;
}

function toDist(raw: Record<string, unknown>, path: string, problems: string[]): Distribution {
  const dist = raw.dist as Distribution['dist'];
  const value = ms(raw.value, `${path}.value`, problems, 0);
  const min = ms(raw.min, `${path}.min`, problems, 0);
  const max = ms(raw.max, `${path}.max`, problems, Number.MAX_SAFE_INTEGER);
  const spread =
    dist === 'lognormal' ? Number(raw.spread ?? 0.5) : ms(raw.spread, `${path}.spread`, problems, value / 4);
  if (dist === 'uniform' && (raw.min === undefined || raw.max === undefined)) {
    problems.push(`${path}: a uniform distribution needs min and max`);
  }
  if (min > max) problems.push(`${path}: min is larger than max`);
  return { dist, value, min, max, spread };
}

/** Parses a scenario object (already YAML-decoded); every problem is reported at once. */
export function parseScenario(raw: unknown): Scenario {
  const doc = (raw ?? {}) as Record<string, unknown>;
  const problems = validateAgainst(scenarioSchema, doc).map(
    (p) => `${p.path.length ? p.path.join('.') : '(top)'}: ${p.message}`,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const lat = doc.latency as Record<string, Record<string, unknown>>;
  const rules: ModeRule[] = [];
  for (const section of ['errors', 'drift', 'faults'] as const) {
    (doc[section] as Array<Record<string, unknown>>).forEach((r, i) => {
      const path = `${section}.${i}`;
      if (r.rate === undefined && r.schedule === undefined)
        problems.push(`${path}: needs a rate or a schedule`);
      const rule: ModeRule = { mode: r.mode as string, applies_to: r.applies_to as ModeRule['applies_to'] };
      if (r.rate !== undefined) rule.rate = r.rate as number;
      if (r.schedule) {
        const s = r.schedule as Record<string, unknown>;
        rule.schedule = {
          every: ms(s.every, `${path}.schedule.every`, problems, 60_000),
          for: ms(s.for, `${path}.schedule.for`, problems, 10_000),
          offset: ms(s.offset, `${path}.schedule.offset`, problems, 0),
        };
        if (rule.schedule.every <= 0) problems.push(`${path}.schedule.every: must be above 0`);
      }
      rules.push(rule);
    });
  }
  const rateSum = rules.reduce((a, r) => a + (r.rate ?? 0), 0);
  if (rateSum > 1) problems.push(`rates add up to ${rateSum.toFixed(3)}, more than 1`);
  const latency = {
    ttfb: toDist(lat.ttfb, 'latency.ttfb', problems),
    first_token: toDist(lat.first_token, 'latency.first_token', problems),
    chunk_gap: toDist(lat.chunk_gap, 'latency.chunk_gap', problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    name: doc.name as string,
    seed: doc.seed as number,
    models: doc.models as string[],
    unknown_model: doc.unknown_model as Scenario['unknown_model'],
    api_key: doc.api_key as string,
    answer: doc.answer as string,
    chunks: doc.chunks as number,
    latency,
    rules,
    header_override: doc.header_override as boolean,
    access_log: doc.access_log as string,
  };
}

/** Reads and parses a scenario file; every problem is a ConfigError naming the file. */
export function loadScenarioFile(file: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0];
    throw new ConfigError([`${file}: cannot read the scenario: ${why}`], 'DW_ERR_CONFIG_FILE');
  }
  try {
    return parseScenario(raw);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.problems.map((p) => `${file}: ${p}`));
    throw err;
  }
}

/** The mode of one request: a scheduled window that is open wins, then one draw over the rates. */
export function pickMode(s: Scenario, elapsedMs: number, u: number, stream: boolean): string {
  const applies = (r: ModeRule) => r.applies_to === 'any' || (r.applies_to === 'stream') === stream;
  for (const r of s.rules) {
    if (!r.schedule || !applies(r)) continue;
    const t = elapsedMs - r.schedule.offset;
    if (t >= 0 && t % r.schedule.every < r.schedule.for) return r.mode;
  }
  let cum = 0;
  for (const r of s.rules) {
    if (r.rate === undefined) continue;
    cum += r.rate;
    if (u < cum) return applies(r) ? r.mode : 'normal';
  }
  return 'normal';
}
