// SPDX-License-Identifier: Apache-2.0
// A throwaway PKI for TLS tests, made with the openssl CLI: a CA (`ca.pem`/`ca.key`) in `dir`,
// then leaf certificates issued by it (`<name>.pem`/`<name>.key`). `openssl ca` (rather than
// `x509 -req`) so a leaf can carry explicit start/end dates, e.g. an already-expired one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './system-tool.js';

export interface LeafOptions {
  /** Subject common name; the leaf's name by default. */
  cn?: string;
  /** subjectAltName value, e.g. `IP:127.0.0.1,DNS:localhost`. */
  san?: string;
  /** extendedKeyUsage value, e.g. `clientAuth`. */
  eku?: string;
  /** Validity arguments for `openssl ca`; `['-days', '20']` by default. */
  dates?: string[];
}

export interface TestPki {
  /** Issues `<name>.pem` and `<name>.key` in the PKI's directory, signed by its CA. */
  issue(name: string, opts?: LeafOptions): void;
}

/** Makes the CA in `dir` (an existing, empty temporary directory) valid for `caDays`. */
export function makeTestPki(openssl: string, dir: string, caDays = 30): TestPki {
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = dw',
      '[dw]',
      `dir = ${dir}`,
      `database = ${dir}/index.txt`,
      `new_certs_dir = ${dir}`,
      `serial = ${dir}/serial`,
      'default_md = sha256',
      'policy = pol',
      'copy_extensions = copy',
      'unique_subject = no',
      '[pol]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    String(caDays),
    '-subj',
    '/CN=driftwatch test CA',
  );
  return {
    issue(name, opts = {}) {
      const ext: string[] = [];
      if (opts.san) ext.push('-addext', `subjectAltName=${opts.san}`);
      if (opts.eku) ext.push('-addext', `extendedKeyUsage=${opts.eku}`);
      run(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${opts.cn ?? name}`,
        ...ext,
      );
      run(
        'ca',
        '-batch',
        '-notext',
        '-config',
        'ca.cnf',
        '-cert',
        'ca.pem',
        '-keyfile',
        'ca.key',
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.pem`,
        ...(opts.dates ?? ['-days', '20']),
      );
    },
  };
}

/**
 * A suite's PKI in a new temporary directory (`prefix` names it; the suite removes `dir`), with
 * the openssl CLI found as every TLS suite finds it: a loud skip without it, a failure under CI.
 */
export function suitePki(ctx: Mocha.Context, prefix: string, caDays?: number): { dir: string; pki: TestPki } {
  const openssl = requireTool(
    ctx,
    'openssl',
    ['/usr/bin/openssl', '/bin/openssl'],
    'apt-get install -y openssl',
  );
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, pki: makeTestPki(openssl, dir, caDays) };
}
