// SPDX-License-Identifier: Apache-2.0
// Builds CallRecords from the recorded fixtures the way the probe receiver would fill them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSse } from '../../src/contract/sse.js';
import { newCallRecord } from '../../src/model/call-record.js';
import type { CallRecord } from '../../src/model/call-record.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'llm');

export interface RequestOpts {
  includeUsage?: boolean;
  maxTokens?: number;
  contract?: string;
  provider?: string;
}

function base(stream: boolean, o: RequestOpts): CallRecord {
  return newCallRecord(
    'probe',
    'probe/fixture',
    { provider: o.provider ?? 'openai', endpoint: '/v1/chat/completions', contract: o.contract },
    {
      method: 'POST',
      route: '/v1/chat/completions',
      model: 'fixture-model',
      stream,
      includeUsage: o.includeUsage,
      maxTokens: o.maxTokens,
      synthetic: true,
    },
  );
}

/** `responses/x.json`, `streams/x.sse` or `errors/x.json` (an envelope with status/headers/body). */
export function fixtureRecord(rel: string, o: RequestOpts = {}): CallRecord {
  const text = readFileSync(join(FIXTURES, rel), 'utf8');
  if (rel.endsWith('.sse')) {
    const r = base(true, o);
    r.response.status = 200;
    r.response.parse = 'sse';
    r.response.stream = parseSse(text);
    return r;
  }
  const r = base(false, o);
  if (rel.startsWith('errors/')) {
    const env = JSON.parse(text) as {
      status: number;
      _expected_real_status?: number;
      headers?: Record<string, string[]>;
      body: unknown;
    };
    r.response.status = env._expected_real_status ?? env.status;
    for (const [k, v] of Object.entries(env.headers ?? {})) r.response.headers[k.toLowerCase()] = v[0];
    r.response.body = env.body;
    r.response.parse = 'json';
    return r;
  }
  r.response.status = 200;
  r.response.body = JSON.parse(text);
  r.response.parse = 'json';
  return r;
}
