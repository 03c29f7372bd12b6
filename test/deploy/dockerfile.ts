// SPDX-License-Identifier: Apache-2.0
// A small Dockerfile reader for the deploy tests: instructions per stage, with line
// continuations joined, comments dropped and `${ARG}` defaults substituted.
export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

export function parseDockerfile(text: string): { stages: Stage[]; args: Record<string, string> } {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read "${line}"`);
    const op = m[1].toUpperCase();
    const rest = m[2].replace(/\$\{(\w+)\}/g, (_s, k: string) => args[k] ?? `\${${k}}`).replace(/\s+/g, ' ');
    if (op === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=');
      args[k] = v ?? '';
      continue;
    }
    if (op === 'FROM') {
      const f = /^(\S+)(?: AS (\S+))?$/i.exec(rest);
      if (!f) throw new Error(`Dockerfile: cannot read FROM "${rest}"`);
      stages.push({ from: f[1], name: f[2] ?? String(stages.length), steps: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`Dockerfile: ${op} before FROM`);
    stages[stages.length - 1].steps.push({ op, args: rest });
  }
  return { stages, args };
}

/** `["node", "x"]` (exec form) → array; shell form → undefined. */
export function execForm(args: string): string[] | undefined {
  const s = args.trim();
  if (!s.startsWith('[')) return undefined;
  return JSON.parse(s) as string[];
}
