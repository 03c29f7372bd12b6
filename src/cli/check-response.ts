// SPDX-License-Identifier: Apache-2.0
// `driftwatch check-response --contract FILE CAPTURE...`: judges captured answers offline (support
// engineers, CI) with the same validate + classify code the agent runs. A capture is a bare body
// (JSON or SSE) or a `curl -i` / `curl -i -N` transcript, whose status and headers are used.
// Prints the verdict and bounded findings, never body values. Exit: the worst of all files
// (0 ok, 1 drift, 2 violation, 3 unreadable).
import { readFileSync } from 'node:fs';
import type { CreateSettings } from '../component/component.js';
import { consumerFromFn, newContext } from '../component/consumer.js';
import { ConfigError } from '../component/errors.js';
import type { JsonSchema, ProcessorFactory } from '../component/factory.js';
import { loadBlock } from '../config/component-schema.js';
import { deepFreeze } from '../config/normalise.js';
import { loadProcessSettings } from '../config/process-settings.js';
import type { Contract } from '../contract/contract.js';
import { carriesErrorEnvelope } from '../contract/error-envelope.js';
import { loadContract } from '../contract/load.js';
import { overJsonLimits } from '../util/json-limits.js';
import { parseSse } from '../contract/sse.js';
import { newCallRecord } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';
import type { Registry } from '../pipeline/registry.js';
import { createComponentTelemetry } from '../telemetry/component-telemetry.js';
import { silentLogger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { parseCommon } from './args.js';
import { parseTranscript, looksLikeTranscript } from './http-transcript.js';
import type { CliIO } from './io.js';

export const CHECK_RESPONSE_USAGE = `Usage: driftwatch check-response --contract FILE [--status N] [--stream] [--include-usage] [--max-tokens N] [--json] CAPTURE...
  Judges captured responses against a contract file. A capture is a bare body (JSON or an SSE
  stream) or an HTTP transcript saved with \`curl -i\` / \`curl -i -N\` (status line, headers, body):
  its status and headers (Retry-After, content-type) are used. --status overrides the status.
  With several files: one line per file and a summary; --json prints one JSON object per line
  (with a "file" field).
  Exit code: the worst of all files: 0 ok, 1 drift, 2 violation, 3 a file cannot be read.
`;

function settings(id: string): CreateSettings {
  const metrics = new SelfMetrics();
  return {
    id,
    kind: 'processor',
    logger: silentLogger(),
    telemetry: createComponentTelemetry(metrics, 'processor', id, 'check'),
    process: loadProcessSettings({}, {}),
    dataDir: '',
    sensitive: [],
  };
}

export interface CheckRecordOptions {
  status: number;
  stream?: boolean;
  includeUsage?: boolean;
  maxTokens?: number;
  contract: string;
  /** Allow-listed response headers (from a transcript). */
  headers?: Record<string, string>;
}

export function buildCheckRecord(text: string, opts: CheckRecordOptions): CallRecord {
  const trimmed = text.trimStart();
  const headers = opts.headers ?? {};
  const contentType = headers['content-type'];
  const isSse =
    opts.stream ??
    (/^text\/event-stream/i.test(contentType ?? '') ||
      trimmed.startsWith('data:') ||
      trimmed.startsWith(':') ||
      trimmed.startsWith('event:'));
  const r = newCallRecord(
    'probe',
    'check-response',
    { provider: 'offline', endpoint: '/v1/chat/completions', contract: opts.contract },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      stream: isSse,
      includeUsage: opts.includeUsage,
      maxTokens: opts.maxTokens,
      synthetic: true,
    },
  );
  r.response.status = opts.status;
  r.response.headers = { ...headers };
  if (contentType) r.response.contentType = contentType;
  r.response.bodyBytes = Buffer.byteLength(text);
  if (isSse) {
    r.response.parse = 'sse';
    r.response.stream = parseSse(text);
  } else if (trimmed === '') r.response.parse = 'empty';
  else if (/^<(!doctype|html)/i.test(trimmed)) r.response.parse = 'html';
  else {
    const over = overJsonLimits(trimmed);
    if (over) r.response.parse = over;
    else
      try {
        r.response.body = JSON.parse(text);
        r.response.parse = 'json';
      } catch {
        r.response.parse = 'invalid_json';
      }
  }
  return r;
}

interface Judged {
  file: string;
  /** Set when the file could not be judged (exit 3 for it). */
  error?: string;
  warning?: string;
  status?: number;
  /** Where the status came from. */
  statusFrom?: 'transcript' | 'flag' | 'default';
  record?: CallRecord;
}

/** Judges one record in place: validate then classify, built fresh for it. */
type Judge = (r: CallRecord) => Promise<void>;

/** A block loaded as the config loader loads it: schema defaults, validation, normalised, frozen. */
function loadedConfig(factory: ProcessorFactory, raw: Record<string, unknown>): unknown {
  const { problems, config } = loadBlock(factory.configSchema as JsonSchema, raw);
  const more = config === undefined ? [] : (factory.validate?.(config, { configDir: process.cwd() }) ?? []);
  const all = [...problems, ...more];
  if (all.length > 0 || config === undefined)
    throw new ConfigError(all.map((p) => `${factory.type}.${p.path.join('.')}: ${p.message}`));
  return deepFreeze(config);
}

/**
 * validate → classify through the registry's factories, as the graph builds a pipeline. Each
 * file gets a fresh pair so nothing learned from one (shapes, known drift) colours the next;
 * building one is cheap because the contract is parsed once and cached.
 */
async function judgeFactory(registry: Registry, contract: string): Promise<() => Judge> {
  const validate = registry.get('processor', 'validate');
  const classify = registry.get('processor', 'classify');
  if (!validate || !classify)
    throw new ConfigError(['check-response needs the validate and classify processors in this build']);
  // a factory that imports its implementation lazily must have it before create()
  await Promise.all([validate.load?.(), classify.load?.()]);
  const vc = loadedConfig(validate, { contract, shapes: { persist: false } });
  const cc = loadedConfig(classify, { contract });
  const vs = settings('validate');
  const cs = settings('classify');
  const end = consumerFromFn(async () => {});
  return () => {
    const chain = validate.create(vs, vc, classify.create(cs, cc, end));
    return (r) => chain.consume([r], newContext());
  };
}

const GZIP = /^(gzip|br|deflate|zstd)/i;

async function judgeFile(
  file: string,
  judge: Judge,
  opts: Omit<CheckRecordOptions, 'status'> & { status?: number },
): Promise<Judged> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { file, error: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  let status = opts.status ?? 200;
  let statusFrom: Judged['statusFrom'] = opts.status === undefined ? 'default' : 'flag';
  let headers: Record<string, string> | undefined;
  let body = text;
  if (looksLikeTranscript(text)) {
    const t = parseTranscript(text);
    if (!t) return { file, error: `${file}: an HTTP transcript without a final answer` };
    if (GZIP.test(t.headers['content-encoding'] ?? ''))
      return {
        file,
        error: `${file}: the body is ${t.headers['content-encoding']}-encoded; capture it with curl --compressed -i`,
      };
    headers = t.headers;
    body = t.body;
    if (opts.status === undefined) {
      status = t.status;
      statusFrom = 'transcript';
    }
  }
  let warning: string | undefined;
  if (statusFrom === 'default' && looksLikeErrorEnvelope(body))
    warning = `${file}: the body looks like an error envelope but no --status was given; judged as HTTP 200 (pass --status N, or capture the answer with curl -i)`;
  const r = buildCheckRecord(body, { ...opts, status, headers });
  await judge(r);
  return { file, warning, status, statusFrom, record: r };
}

function looksLikeErrorEnvelope(body: string): boolean {
  const t = body.trimStart();
  if (!t.startsWith('{')) return false;
  try {
    return carriesErrorEnvelope(JSON.parse(t));
  } catch {
    return false;
  }
}

function exitOf(j: Judged): number {
  if (j.error || !j.record) return 3;
  const v = j.record.findings.verdict ?? 'ok';
  return v === 'violation' ? 2 : v === 'drift' ? 1 : 0;
}

function jsonLine(j: Judged, contractId: string): string {
  if (!j.record) return JSON.stringify({ file: j.file, error: j.error });
  const r = j.record;
  const f = r.findings;
  return JSON.stringify({
    file: j.file,
    contract: contractId,
    status: j.status,
    statusFrom: j.statusFrom,
    verdict: f.verdict ?? 'ok',
    findings: f.items,
    shapeHash: f.shapeHash,
    errorClass: f.errorClass,
    subReason: f.subReason,
    owner: f.owner,
    retryable: f.retryable,
    retryAfterMs: f.retryAfterMs,
    usage: r.response.usage,
    contractReviewAgeDays: f.contractReviewAgeDays,
    warning: j.warning,
  });
}

function classText(r: CallRecord): string {
  const f = r.findings;
  if (!f.errorClass) return '';
  const after = f.retryAfterMs !== undefined ? ` after ${f.retryAfterMs} ms` : '';
  return `${f.errorClass}${f.subReason ? ` (${f.subReason})` : ''} owner="${f.owner}" retry=${f.retryable ? `yes${after}` : 'no'}`;
}

function detail(j: Judged, io: CliIO, c: Contract): void {
  const r = j.record!;
  const f = r.findings;
  io.out(`contract: ${c.id} (reviewed ${c.reviewed}, ${f.contractReviewAgeDays ?? 0} days ago)\n`);
  if (j.statusFrom !== 'default')
    io.out(`status:   ${j.status} (from the ${j.statusFrom === 'flag' ? '--status flag' : 'transcript'})\n`);
  io.out(`verdict:  ${f.verdict ?? 'ok'}\n`);
  if (f.errorClass) io.out(`class:    ${classText(r)}\n`);
  if (f.shapeHash) io.out(`shape:    ${f.shapeHash} (pin it under shapes.baseline to accept this shape)\n`);
  for (const i of f.items)
    io.out(`  ${i.level.padEnd(9)} ${i.kind.padEnd(10)} ${i.path}${i.note ? `  (${i.note})` : ''}\n`);
}

function oneLine(j: Judged): string {
  if (!j.record) return `error     ${j.file}: ${j.error}`;
  const f = j.record.findings;
  const counted = f.items.filter((i) => i.level === 'violation' || i.level === 'drift');
  const parts = [`${(f.verdict ?? 'ok').padEnd(9)} ${j.file}`];
  if (j.statusFrom !== 'default') parts.push(`status=${j.status}`);
  const cls = classText(j.record);
  if (cls) parts.push(cls);
  if (counted.length > 0) parts.push(counted.map((i) => `${i.level}:${i.kind}:${i.path}`).join(', '));
  return parts.join('  ');
}

export async function checkResponseCommand(argv: string[], io: CliIO, registry: Registry): Promise<number> {
  const args = parseCommon(argv, {
    contract: { type: 'string' },
    status: { type: 'string' },
    stream: { type: 'boolean' },
    'include-usage': { type: 'boolean' },
    'max-tokens': { type: 'string' },
    json: { type: 'boolean' },
  });
  const v = args.values;
  if (args.help) {
    io.out(CHECK_RESPONSE_USAGE);
    return 0;
  }
  const contract = v.contract as string | undefined;
  const files = args.positionals;
  if (!contract || files.length === 0) {
    io.err(
      `driftwatch: check-response needs --contract FILE and at least one capture file\n\n${CHECK_RESPONSE_USAGE}`,
    );
    return 3;
  }
  const status = v.status === undefined ? undefined : Number(v.status);
  const maxTokens = v['max-tokens'] === undefined ? undefined : Number(v['max-tokens']);
  if (
    (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) ||
    (maxTokens !== undefined && !Number.isInteger(maxTokens))
  ) {
    io.err('driftwatch: --status must be an HTTP status (100-599) and --max-tokens an integer\n');
    return 3;
  }
  let newJudge: () => Judge;
  let defaultContract: Contract;
  try {
    defaultContract = loadContract(contract);
    newJudge = await judgeFactory(registry, contract);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [String(err)];
    io.err(`driftwatch: invalid contract:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return 3;
  }
  const opts = {
    status,
    stream: v.stream === true ? true : undefined,
    includeUsage: v['include-usage'] === true,
    maxTokens,
    contract,
  };
  const contractId = defaultContract.id;
  const single = files.length === 1;
  const tally = { ok: 0, drift: 0, violation: 0, unreadable: 0 };
  let worst = 0;
  for (const file of files) {
    const j = await judgeFile(file, newJudge(), opts);
    const code = exitOf(j);
    worst = Math.max(worst, code);
    if (code === 3) tally.unreadable++;
    else tally[(j.record!.findings.verdict ?? 'ok') as 'ok' | 'drift' | 'violation']++;
    if (j.warning) io.err(`driftwatch: warning: ${j.warning}\n`);
    if (v.json === true) io.out(jsonLine(j, contractId) + '\n');
    else if (!j.record) io.err(`driftwatch: ${j.error}\n`);
    else if (single) detail(j, io, defaultContract);
    else io.out(oneLine(j) + '\n');
  }
  if (!single && v.json !== true)
    io.out(
      `${files.length} files against ${contractId}: ${tally.ok} ok, ${tally.drift} drift, ${tally.violation} violation, ${tally.unreadable} unreadable\n`,
    );
  return worst;
}
