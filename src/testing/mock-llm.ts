// SPDX-License-Identifier: Apache-2.0
// `@dwmkerr/mock-llm` (npm, a dev dependency) as "somebody else's server" in tests: a real,
// independent OpenAI-compatible server in a child process on loopback, scripted by YAML rules
// (see /work/shared/reference/mock-llm.md for its behaviour). Missing module: skip outside CI,
// fail under CI=true (it is installed by `npm ci`).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pollUntil, repoRoot } from './backends.js';

export const MOCK_LLM_MAIN = join(repoRoot, 'node_modules', '@dwmkerr', 'mock-llm', 'dist', 'main.js');

export class MockLlm {
  private proc?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'dw-mock-llm-'));
  port = 0;
  output = '';

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Starts mock-llm with `rulesYaml` and waits until /health answers (bounded: 20 s). */
  async start(rulesYaml: string): Promise<void> {
    const config = join(this.dir, 'mock-llm.yaml');
    writeFileSync(config, rulesYaml);
    this.port = await freePort();
    // HOST: it binds 0.0.0.0 unless told otherwise
    this.proc = spawn(process.execPath, [MOCK_LLM_MAIN, '--config', config], {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => {
      if (this.output.length < 64_000) this.output += d.toString();
    };
    this.proc.stdout!.on('data', keep);
    this.proc.stderr!.on('data', keep);
    await pollUntil(
      async () => {
        if (this.proc?.exitCode !== null) throw new Error(`mock-llm exited: ${this.output.slice(-500)}`);
        const res = await fetch(`http://127.0.0.1:${this.port}/health`);
        return res.ok ? true : undefined;
      },
      20_000,
      'mock-llm /health',
    );
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Skips the suite (outside CI) or fails (CI=true) when mock-llm is not installed. */
export function requireMockLlm(ctx: Mocha.Context): void {
  if (existsSync(MOCK_LLM_MAIN)) return;
  const reason = `@dwmkerr/mock-llm not installed (${MOCK_LLM_MAIN}); run npm ci`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  process.stderr.write(`\n  !!! SKIPPING suite "${ctx.test?.parent?.title ?? 'mock-llm'}": ${reason}\n\n`);
  ctx.skip();
}
