// SPDX-License-Identifier: Apache-2.0
// Process-level settings through convict: defaults < DRIFTWATCH_* / OTEL_* environment < CLI flags.
// Component blocks are not here: they live in the pipeline YAML and are validated by ajv.
import convict from 'convict';
import { ConfigError } from '../component/errors.js';
import type { LogLevel } from '../telemetry/logger.js';
import { parseDurationMs } from '../util/duration.js';

export interface ProcessSettings {
  logLevel: LogLevel;
  dataDir: string;
  shutdownTimeoutMs: number;
  serviceName: string;
  /** Parsed `OTEL_RESOURCE_ATTRIBUTES` plus `service.instance.id`. */
  resourceAttributes: Record<string, string>;
  instanceId: string;
}

const schema = {
  logLevel: {
    doc: 'Log level of the agent.',
    format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    default: 'info',
    env: 'DRIFTWATCH_LOG_LEVEL',
    arg: 'log-level',
  },
  dataDir: {
    doc: 'Directory for checkpoints, persistent queues, known shapes and probe budgets.',
    format: String,
    default: './data',
    env: 'DRIFTWATCH_DATA_DIR',
    arg: 'data-dir',
  },
  shutdownTimeout: {
    doc: 'How long SIGTERM/SIGINT may take to drain and stop, e.g. 10s.',
    format: 'duration-string',
    default: '10s',
    env: 'DRIFTWATCH_SHUTDOWN_TIMEOUT',
    arg: 'shutdown-timeout',
  },
  serviceName: {
    doc: 'service.name resource attribute.',
    format: String,
    default: 'driftwatch',
    env: 'OTEL_SERVICE_NAME',
  },
  resourceAttributes: {
    doc: 'Extra resource attributes, key=value pairs separated by commas.',
    format: String,
    default: '',
    env: 'OTEL_RESOURCE_ATTRIBUTES',
  },
  instanceId: {
    doc: 'service.instance.id; defaults to a random id per process.',
    format: String,
    default: '',
    env: 'DRIFTWATCH_INSTANCE_ID',
  },
};

convict.addFormat({
  name: 'duration-string',
  validate(v: unknown) {
    if (typeof v !== 'string' || parseDurationMs(v) === undefined)
      throw new Error('must be a duration such as 500ms, 10s, 5m');
  },
});

export function parseResourceAttributes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = decodeURIComponent(part.slice(0, i).trim());
    const v = decodeURIComponent(part.slice(i + 1).trim());
    if (k) out[k] = v;
  }
  return out;
}

export interface SettingsOverrides {
  logLevel?: string;
  dataDir?: string;
  shutdownTimeout?: string;
}

export function loadProcessSettings(
  overrides: SettingsOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): ProcessSettings {
  const conf = convict(schema, { env, args: [] });
  const clean = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  conf.load(clean);
  try {
    conf.validate({ allowed: 'strict' });
  } catch (err) {
    const lines = String((err as Error).message)
      .split('\n')
      .map((l) => `process settings: ${l}`);
    throw new ConfigError(lines);
  }
  const instanceId = conf.get('instanceId') || crypto.randomUUID();
  const attrs = parseResourceAttributes(conf.get('resourceAttributes'));
  attrs['service.instance.id'] ??= instanceId;
  return {
    logLevel: conf.get('logLevel') as LogLevel,
    dataDir: conf.get('dataDir'),
    // validate() above refused anything parseDurationMs cannot read
    shutdownTimeoutMs: parseDurationMs(conf.get('shutdownTimeout'))!,
    serviceName: attrs['service.name'] ?? conf.get('serviceName'),
    resourceAttributes: attrs,
    instanceId,
  };
}

/** The convict schema, for the generated config reference. */
export { schema as processSettingsSchema };
