// SPDX-License-Identifier: Apache-2.0
// check-response reads what operators capture: real `curl -i` / `curl -i -N` transcripts taken
// from the built-in simulator over loopback (status line, headers, interim 100 Continue, SSE).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseScenario } from '../simulator/scenario.js';
import { ProviderSimulator } from '../simulator/server.js';
import { requireTool } from '../testing/system-tool.js';
import { parseTranscript } from './http-transcript.js';
import { main } from './main.js';

const COMET = 'config/contracts/cometapi-chat-completions.yaml';
const OPENAI = 'config/contracts/openai-chat-completions.yaml';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { io: { out: (t) => (out += t), err: (t) => (err += t), env: {} } });
  return { code, out, err };
}

describe('check-response reads curl -i transcripts', function () {
  this.timeout(60_000);
  let curl: string;
  let dir: string;
  let sim: ProviderSimulator;
  let base: string;
  const files: Record<string, string> = {};

  /** `curl -i` (plus extra flags) against the simulator in `mode`, saved as a file. */
  async function capture(
    name: string,
    mode: string,
    body: Record<string, unknown>,
    extra: string[] = [],
  ): Promise<void> {
    // async: the simulator answers from this same process
    const { stdout: out } = await promisify(execFile)(
      curl,
      [
        '-sS',
        '-i',
        '--max-time',
        '20',
        '-H',
        'content-type: application/json',
        '-H',
        `x-simulator-mode: ${mode}`,
        ...extra,
        '-d',
        JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }], ...body }),
        `${base}/chat/completions`,
      ],
      { encoding: 'latin1', timeout: 25_000 },
    );
    const file = join(dir, name);
    writeFileSync(file, out, 'latin1');
    files[name] = file;
  }

  before(async function () {
    curl = requireTool(this, 'curl', ['/usr/bin/curl', '/usr/local/bin/curl'], 'apt-get install -y curl');
    dir = mkdtempSync(join(tmpdir(), 'dw-transcript-'));
    sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 0 }, first_token: { value: 0 }, chunk_gap: { value: 0 } } }),
    );
    base = await sim.start();
    await capture('ok.txt', 'normal', {});
    await capture('rate-limited.txt', 'error_429', {});
    await capture('comet-500.txt', 'error_500_invalid_request', {});
    await capture('stream.txt', 'normal', { stream: true, stream_options: { include_usage: true } }, ['-N']);
    await capture('continue.txt', 'normal', {}, ['-H', 'Expect: 100-continue']);
    await capture('gzip.txt', 'gzip', {});
    writeFileSync(
      join(dir, 'bare-error.json'),
      readFileSync(files['comet-500.txt'], 'utf8').split(/\r?\n\r?\n/)[1],
    );
    files['bare-error.json'] = join(dir, 'bare-error.json');
  });
  after(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the captures are real transcripts (status line, headers, interim 100 first)', () => {
    expect(readFileSync(files['ok.txt'], 'utf8')).to.match(/^HTTP\/1\.1 200 OK\r\n/);
    const c = readFileSync(files['continue.txt'], 'utf8');
    expect(c).to.match(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    const t = parseTranscript(c);
    expect(t?.status).to.equal(200);
    expect(t?.skipped).to.deep.equal([100]);
    expect(t?.headers['content-type']).to.match(/application\/json/);
  });

  it('--json reads status and headers from a curl -i file (Retry-After becomes the retry hint)', async () => {
    const r = await cli(['check-response', '--contract', OPENAI, '--json', files['rate-limited.txt']]);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(doc).to.include({
      file: files['rate-limited.txt'],
      status: 429,
      statusFrom: 'transcript',
      errorClass: 'rate_limit',
      retryable: true,
      retryAfterMs: 20_000,
    });
    expect(r.err).to.equal('');
  });

  it('a 500 transcript carrying a CometAPI invalid_request envelope is a client error, no retry', async () => {
    const r = await cli(['check-response', '--contract', COMET, files['comet-500.txt']]);
    expect(r.out).to.include('status:   500 (from the transcript)');
    expect(r.out).to.include('class:    bad_request (invalid_request_500)').and.include('retry=no');
  });

  it('a curl -i -N stream transcript is judged as a stream; 100 Continue before the answer is skipped', async () => {
    const s = await cli(['check-response', '--contract', OPENAI, '--include-usage', files['stream.txt']]);
    expect([s.code, s.out]).to.satisfy(([c, o]: [number, string]) => c === 0 && o.includes('verdict:  ok'));
    const c = await cli(['check-response', '--contract', OPENAI, files['continue.txt']]);
    expect(c.code, c.out).to.equal(0);
  });

  it('a bare error body without --status gets a warning; with --status it does not', async () => {
    const bare = await cli(['check-response', '--contract', COMET, files['bare-error.json']]);
    expect(bare.err).to.include('looks like an error envelope but no --status was given');
    const given = await cli([
      'check-response',
      '--contract',
      COMET,
      '--status',
      '500',
      files['bare-error.json'],
    ]);
    expect(given.err).to.equal('');
    expect(given.out).to.include('bad_request (invalid_request_500)');
  });

  it('many files: one line each and a summary; --json one object per line with `file`; worst exit', async () => {
    const list = ['ok.txt', 'rate-limited.txt', 'stream.txt', 'gzip.txt'].map((n) => files[n]);
    const r = await cli(['check-response', '--contract', OPENAI, ...list]);
    const lines = r.out.trim().split('\n');
    expect(lines).to.have.length(4); // three judged + the summary; the gzip one goes to stderr
    expect(lines[0]).to.match(/^ok\s+\S+ok\.txt {2}status=200$/);
    expect(lines[1])
      .to.include('rate-limited.txt')
      .and.include('rate_limit')
      .and.include('retry=yes after 20000 ms');
    expect(lines[3]).to.equal(
      `4 files against openai-chat-completions: 3 ok, 0 drift, 0 violation, 1 unreadable`,
    );
    expect(r.err).to.include('gzip-encoded; capture it with curl --compressed -i');
    expect(r.code).to.equal(3);
    const j = await cli(['check-response', '--contract', OPENAI, '--json', ...list]);
    const docs = j.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; verdict?: string; error?: string });
    expect(docs.map((d) => d.file)).to.deep.equal(list);
    expect(docs[3].error).to.include('gzip');
  });
});
