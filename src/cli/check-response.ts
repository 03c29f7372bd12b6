// SPDX-License-Identifier: Apache-2.0
// `driftwatch check-response --contract FILE BODY.json|STREAM.sse`: judges a captured body or
// stream offline (support engineers, CI) with the same validate + classify code the agent runs.
// Prints the verdict and bounded findings, never body values. Exit 0 ok, 1 drift, 2 violation.
import { readFileSync } from 'node:fs';
import type { CreateSettings } from '../component/component.js';
import { consumerFromFn } from '../component/consumer.js';
import { ConfigError } from '../component/errors.js';
import { loadProcessSettings } from '../config/process-settings.js';
import { parseSse } from '../contract/sse.js';
import { newCallRecord } from '../model/call-record.js';
import type { CallRecord } from '../model/call-record.js';
import { ClassifyProcessor } from '../processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../processors/classify/index.js';
import { validateProcessorFactory } from '../processors/validate/index.js';
import { ValidateProcessor } from '../processors/validate/validate-processor.js';
import { createComponentTelemetry } from '../telemetry/component-telemetry.js';
import { silentLogger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { parseCommon } from './args.js';
import type { CliIO } from './io.js';

export const CHECK_RESPONSE_USAGE = `Usage: driftwatch check-response --contract FILE [--status N] [--stream] [--include-usage] [--max-tokens N] [--json] BODY.json|STREAM.sse
  Judges a captured response body (JSON) or SSE stream against a contract file.
  Exit code: 0 ok, 1 drift, 2 violation (3 when the input cannot be read).
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

export function buildCheckRecord(
  text: string,
  opts: { status: number; stream?: boolean; includeUsage?: boolean; maxTokens?: number; contract: string },
): CallRecord {
  const trimmed = text.trimStart();
  const isSse =
    opts.stream ?? (trimmed.startsWith('data:') || trimmed.startsWith(':') || trimmed.startsWith('event:'));
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
  if (isSse) {
    r.response.parse = 'sse';
    r.response.stream = parseSse(text);
  } else if (trimmed === '') r.response.parse = 'empty';
  else if (/^<(!doctype|html)/i.test(trimmed)) r.response.parse = 'html';
  else {
    try {
      r.response.body = JSON.parse(text);
      r.response.parse = 'json';
    } catch {
      r.response.parse = 'invalid_json';
    }
  }
  return r;
}

export function checkResponseCommand(argv: string[], io: CliIO): number {
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
  const file = args.positionals[0];
  if (!contract || !file || args.positionals.length > 1) {
    io.err(`driftwatch: check-response needs --contract FILE and one body file\n\n${CHECK_RESPONSE_USAGE}`);
    return 3;
  }
  const status = v.status === undefined ? 200 : Number(v.status);
  const maxTokens = v['max-tokens'] === undefined ? undefined : Number(v['max-tokens']);
  if (
    !Number.isInteger(status) ||
    status < 100 ||
    status > 599 ||
    (maxTokens !== undefined && !Number.isInteger(maxTokens))
  ) {
    io.err('driftwatch: --status must be an HTTP status (100-599) and --max-tokens an integer\n');
    return 3;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    io.err(`driftwatch: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return 3;
  }
  const noop = consumerFromFn(async () => {});
  let validate: ValidateProcessor;
  let classify: ClassifyProcessor;
  try {
    const vc = validateProcessorFactory.createDefaultConfig();
    validate = new ValidateProcessor(
      settings('validate'),
      { ...vc, contract, shapes: { ...vc.shapes, persist: false } },
      noop,
    );
    classify = new ClassifyProcessor(
      settings('classify'),
      { ...classifyProcessorFactory.createDefaultConfig(), contract },
      noop,
    );
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [String(err)];
    io.err(`driftwatch: invalid contract:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return 3;
  }
  const r = buildCheckRecord(text, {
    status,
    stream: v.stream === true ? true : undefined,
    includeUsage: v['include-usage'] === true,
    maxTokens,
    contract,
  });
  validate.process([r]);
  classify.process([r]);
  const f = r.findings;
  const verdict = f.verdict ?? 'ok';
  if (v.json === true) {
    io.out(
      JSON.stringify(
        {
          contract: validate.defaultContract.id,
          verdict,
          findings: f.items,
          shapeHash: f.shapeHash,
          errorClass: f.errorClass,
          subReason: f.subReason,
          retryable: f.retryable,
          usage: r.response.usage,
          contractReviewAgeDays: f.contractReviewAgeDays,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const c = validate.defaultContract;
    io.out(`contract: ${c.id} (reviewed ${c.reviewed}, ${f.contractReviewAgeDays ?? 0} days ago)\n`);
    io.out(`verdict:  ${verdict}\n`);
    if (f.errorClass)
      io.out(
        `class:    ${f.errorClass}${f.subReason ? ` (${f.subReason})` : ''} owner="${f.owner}" retry=${f.retryable ? 'yes' : 'no'}\n`,
      );
    if (f.shapeHash) io.out(`shape:    ${f.shapeHash} (pin it under shapes.baseline to accept this shape)\n`);
    for (const i of f.items)
      io.out(`  ${i.level.padEnd(9)} ${i.kind.padEnd(10)} ${i.path}${i.note ? `  (${i.note})` : ''}\n`);
  }
  return verdict === 'violation' ? 2 : verdict === 'drift' ? 1 : 0;
}
