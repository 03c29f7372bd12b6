// SPDX-License-Identifier: Apache-2.0
// The real agent (`driftwatch run` from source) as a child process, for process-level access_log
// tests: collects the request ids the debug exporter prints (one line per record), stderr's
// JSON log lines, and can run without root's file-permission bypass (see `setpriv`).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface AccessLogAgent {
  proc: ChildProcess;
  /** Request ids in the order the debug exporter printed them. */
  ids: string[];
  /** Parsed JSON log lines from stderr. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<number | null>;
}

export function startAccessLogAgent(
  config: string,
  dataDir: string,
  opts: {
    logLevel?: string;
    idPattern?: RegExp;
    /**
     * util-linux `setpriv`: run as root but without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH, so
     * file permissions apply to the agent while the checkout (root's own files) stays readable.
     */
    setpriv?: string;
  } = {},
): AccessLogAgent {
  const nodeArgs = [
    '--import',
    'tsx',
    join(process.cwd(), 'test', 'helpers', 'run-cli.ts'),
    'run',
    '--config',
    config,
    '--data-dir',
    dataDir,
  ];
  const noDac = '-dac_override,-dac_read_search';
  const [cmd, args] = opts.setpriv
    ? [opts.setpriv, [`--bounding-set=${noDac}`, `--inh-caps=${noDac}`, '--', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const proc = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DRIFTWATCH_LOG_LEVEL: opts.logLevel ?? 'warn' },
    cwd: process.cwd(),
  });
  const idRe = opts.idPattern ?? / request_id=(\S+)/;
  const ids: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  let rest = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const lines = (rest + d.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      const m = idRe.exec(l);
      if (m) ids.push(m[1]);
    }
  });
  let err = '';
  let errRest = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString('utf8');
    const lines = (errRest + d.toString('utf8')).split('\n');
    errRest = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // not a log line (a crash trace would show in stderr())
      }
    }
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, ids, logs, stderr: () => err, exited };
}

export async function stopAgent(
  a: AccessLogAgent,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill(signal);
  return a.exited;
}
