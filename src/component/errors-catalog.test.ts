// SPDX-License-Identifier: Apache-2.0
// Code, catalog and doc stay in step (fastify's test/internals/errors.test.js is the model):
// docs/errors.md is the catalog's rendering; every code in the catalog is raised or logged
// somewhere and every code the code base names is in the catalog; no error class or bare
// `new Error` appears in production code without a code or a stated reason.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, DriftwatchError, ERROR_CATALOG, QueueIoError, retryOfError } from './errors.js';
import type { ErrorCode } from './errors.js';
import { renderErrorsDoc } from './errors-doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CODE_RE = /DW_ERR_[A-Z0-9_]+/g;

/** Errors outside the catalog, each with the reason it needs no code. */
const NOT_CATALOGED_CLASSES: Record<string, string> = {
  'receivers/probe/http-attempt.ts:Deadline':
    'an abort reason inside one probe attempt; it becomes the record’s timeout class, never escapes',
  'receivers/probe/timed-connect.ts:ConnectFailure':
    'carries the phase of a failed connect into the probe record (a verdict about the target)',
  'cli/usage-error.ts:UsageError':
    'an argument mistake: printed as one line with the command’s usage (exit 2), never logged',
  'cli/check.ts:DeadlineError': 'a check step that got no answer in time; printed as that step’s FAIL row',
  'receivers/proxy/http1/response-parser.ts:ResponseParseError':
    'an upstream answer read two ways; the proxied call gets a 502 naming it, the record a transport error',
};
const BARE_ERROR_FILES: Record<string, string> = {
  'extensions/health-check/health-check.ts':
    'listen failure in start(); the graph raises DW_ERR_COMPONENT_START',
  'exporters/prometheus/prometheus-exporter.ts':
    'listen failure in start(); raised as DW_ERR_COMPONENT_START',
  'receivers/proxy/forwarding.ts': 'listen or thread failure, raised by start() as DW_ERR_COMPONENT_START',
  'receivers/proxy/forwarder.ts': 'listen failure; start() raises it, from either thread',
  'receivers/proxy/http1/http1-pool.ts':
    'an upstream exchange that failed (undici-style code); the proxied call gets a 502 / 504, the record a transport error',
  'http-call/tunnel-agent.ts':
    'an HTTP(S) proxy that refused a tunnel (proxy_refused / proxy_error); the call gets it as a transport error',
  'pipeline/graph.ts': 'the shutdown deadline; collected as DW_ERR_SHUTDOWN',
  'config/process-settings.ts': 'convict format check; convict reports it as DW_ERR_CONFIG_INVALID',
  'receivers/access-log/checkpoints.ts': 'caught inside the store; logged as DW_ERR_SOURCE_IO or ignored',
  'receivers/probe/http-attempt.ts': 'abort reason on shutdown; the attempt ends, nothing is raised',
  'exporters/otlp-http/sending-queue.ts': 'wraps a non-Error rejection of the deliver function',
  'component/lazy-implementation.ts':
    'a programming error (create() before load()); Graph.build and the compliance suite load first',
  'pipeline/registry.ts': 'a programming error in the built-in factory list, caught by every test run',
  'telemetry/self-metrics.ts': 'a programming error (a metric registered twice), caught by every test run',
};

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const srcDir = join(root, 'src');
const production = walk(srcDir)
  .map((p) => relative(srcDir, p))
  .filter((f) => !f.endsWith('.test.ts') && !f.startsWith('testing/') && !f.endsWith('test-harness.ts'));
const text = (f: string) => readFileSync(join(srcDir, f), 'utf8');

describe('error catalog', () => {
  it('docs/errors.md is generated from the catalog (npm run generate)', () => {
    expect(readFileSync(join(root, 'docs/errors.md'), 'utf8')).to.equal(renderErrorsDoc());
  });

  it('every code the code base, tests and docs name is in the catalog', () => {
    const files = [
      ...walk(srcDir),
      ...walk(join(root, 'test')),
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(root, 'docs', f)),
      join(root, 'README.md'),
    ];
    const unknown = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(f, 'utf8').matchAll(CODE_RE))
        if (!(m[0] in ERROR_CATALOG)) unknown.add(`${relative(root, f)}: ${m[0]}`);
    expect([...unknown]).to.deep.equal([]);
  });

  it('every code in the catalog is raised or logged by production code', () => {
    const used = new Set<string>();
    for (const f of production.filter(
      (x) => x !== 'component/errors.ts' && x !== 'component/errors-doc.ts',
    )) {
      const t = text(f);
      for (const m of t.matchAll(CODE_RE)) used.add(m[0]);
      // The classes whose constructor picks the code.
      if (t.includes('new ConfigError(')) used.add('DW_ERR_CONFIG_INVALID');
      if (t.includes('new QueueIoError(')) used.add('DW_ERR_QUEUE_IO');
    }
    expect(
      Object.keys(ERROR_CATALOG).filter((c) => !used.has(c)),
      'unused codes',
    ).to.deep.equal([]);
  });

  it('no error class outside the catalog without a stated reason', () => {
    const found: string[] = [];
    for (const f of production.filter((x) => x !== 'component/errors.ts'))
      for (const m of text(f).matchAll(/class (\w+) extends (\w*Error)\b/g))
        if (m[2] !== 'DriftwatchError' && m[2] !== 'ConfigError') found.push(`${f}:${m[1]}`);
    expect(found.sort()).to.deep.equal(Object.keys(NOT_CATALOGED_CLASSES).sort());
  });

  it('no bare `new Error` in production code without a stated reason', () => {
    const found = production.filter((f) => f !== 'component/errors.ts' && /\bnew Error\(/.test(text(f)));
    expect(found.sort()).to.deep.equal(Object.keys(BARE_ERROR_FILES).sort());
  });

  it('an error takes its retry mark from the catalog, and refusals are judged by it', () => {
    for (const code of Object.keys(ERROR_CATALOG) as ErrorCode[])
      expect(new DriftwatchError(code, 'x').retry, code).to.equal(ERROR_CATALOG[code].retry);
    expect(new ConfigError(['a']).code).to.equal('DW_ERR_CONFIG_INVALID');
    expect(new QueueIoError('write', '/q', 'ENOSPC', undefined)).to.include({
      code: 'DW_ERR_QUEUE_IO',
      retry: 'retryable',
      errno: 'ENOSPC',
    });
    const perm = new DriftwatchError('DW_ERR_EXPORT_PERMANENT', 'x');
    const slow = new DriftwatchError('DW_ERR_QUEUE_FULL', 'x');
    expect(retryOfError(perm)).to.equal('permanent');
    expect(retryOfError(new Error('not ours'))).to.equal('retryable');
    expect(retryOfError(new AggregateError([perm, perm]))).to.equal('permanent');
    expect(retryOfError(new AggregateError([perm, slow]))).to.equal('throttled');
  });
});
