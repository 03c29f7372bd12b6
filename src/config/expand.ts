// SPDX-License-Identifier: Apache-2.0
// `${env:VAR}`, `${env:VAR:-default}`, `${file:PATH}` (the file's content, one trailing newline
// removed: secrets mounted by Kubernetes or systemd credentials) and `$$` (a literal `$`) in
// string values, as the Collector does. A value that is exactly one reference is re-typed (a port from the environment becomes
// a number) like the Collector's confmap.
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYamlScalar } from 'yaml';

/** A referenced file larger than this is refused: a setting, not a data file. */
const MAX_FILE_BYTES = 1 << 20;

const REF = /\$\$|\$\{([^}]*)\}/g;

export interface ExpandProblem {
  path: (string | number)[];
  message: string;
}

export function expandEnv(tree: unknown, env: NodeJS.ProcessEnv, problems: ExpandProblem[]): unknown {
  return visit(tree, [], env, problems);
}

function visit(
  v: unknown,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
  problems: ExpandProblem[],
): unknown {
  if (typeof v === 'string') return expandString(v, path, env, problems);
  if (Array.isArray(v)) return v.map((x, i) => visit(x, [...path, i], env, problems));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = visit(x, [...path, k], env, problems);
    return out;
  }
  return v;
}

function expandString(
  s: string,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
  problems: ExpandProblem[],
): unknown {
  if (!s.includes('$')) return s;
  const whole = /^\$\{[^}]*\}$/.test(s);
  let failed = false;
  const out = s.replace(REF, (m: string, body: string | undefined) => {
    if (m === '$$') return '$';
    const resolved = resolve(body ?? '', env);
    if ('error' in resolved) {
      problems.push({ path, message: resolved.error });
      failed = true;
      return '';
    }
    return resolved.value;
  });
  if (failed) return s;
  if (whole && out !== '') {
    try {
      const typed: unknown = parseYamlScalar(out);
      if (typeof typed === 'number' || typeof typed === 'boolean') return typed;
    } catch {
      // Not a scalar YAML understands: keep the string.
    }
  }
  return out;
}

function resolve(body: string, env: NodeJS.ProcessEnv): { value: string } | { error: string } {
  let ref = body;
  if (ref.startsWith('file:')) return readReference(ref.slice(5));
  if (ref.startsWith('env:')) ref = ref.slice(4);
  else if (/^[a-z]+:/.test(ref))
    return {
      error: `unsupported config source "\${${body.slice(0, 60)}}" (\${env:VAR} and \${file:PATH} are supported)`,
    };
  const dflt = ref.indexOf(':-');
  const name = dflt >= 0 ? ref.slice(0, dflt) : ref;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    return { error: `invalid environment variable reference "\${${body}}"` };
  const value = env[name];
  if (value !== undefined && value !== '') return { value };
  if (dflt >= 0) return { value: ref.slice(dflt + 2) };
  if (value === '') return { value: '' };
  return {
    error: `environment variable ${name} is not set and has no default (write \${env:${name}:-default} to give one)`,
  };
}

/** `${file:PATH}`: relative to the working directory, like the Collector's file provider. */
function readReference(path: string): { value: string } | { error: string } {
  if (path === '') return { error: '${file:} needs a path, e.g. ${file:/run/secrets/api_key}' };
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES)
      return { error: `\${file:${path}} is ${size} bytes; a referenced file may hold at most 1 MiB` };
    return { value: readFileSync(path, 'utf8').replace(/\r?\n$/, '') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { error: `\${file:${path}} cannot be read (${code})` };
  }
}
