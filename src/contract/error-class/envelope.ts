// SPDX-License-Identifier: Apache-2.0
// Reads the error envelope of the providers we know (OpenAI `{error:{type,code,message,param}}`,
// vLLM's older top-level `{object:'error',type,code}`,
// Azure APIM (string code, no type), CometAPI (empty strings), Anthropic `{type:'error',error}`,
// Gemini-compat `[{error}]`, Scaleway `{status,error:'TEXT',message}`) into bounded fields.
// The message is only used for rule matching and is never stored.

export interface Envelope {
  known: boolean;
  type?: string;
  code?: string;
  /** An HTTP status the envelope states itself (numeric `code` or `status`, 400-599). */
  status?: number;
  message?: string;
}

function httpStatus(...vs: unknown[]): number | undefined {
  for (const v of vs) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 400 && n <= 599) return n;
  }
  return undefined;
}

const TOKEN = /^[A-Za-z0-9_.-]{1,64}$/;

function token(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && TOKEN.test(v) ? v : undefined;
}

export function readEnvelope(body: unknown): Envelope {
  let b = body;
  if (Array.isArray(b)) b = b[0];
  if (b === null || typeof b !== 'object') return { known: false };
  const o = b as Record<string, unknown>;
  const e = o.error;
  if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    const err = e as Record<string, unknown>;
    return {
      known: true,
      type: token(err.type),
      code: token(err.code) ?? token(err.status),
      status: httpStatus(err.code, err.status),
      message: typeof err.message === 'string' ? err.message.slice(0, 2000) : undefined,
    };
  }
  if (o.object === 'error' && (typeof o.type === 'string' || typeof o.message === 'string')) {
    // vLLM before 0.10: the envelope's fields at the top level, `{"object":"error",…}`
    return {
      known: true,
      type: token(o.type),
      code: token(o.code),
      status: httpStatus(o.code),
      message: typeof o.message === 'string' ? o.message.slice(0, 2000) : undefined,
    };
  }
  if (typeof e === 'string') {
    return { known: false, message: `${e} ${typeof o.message === 'string' ? o.message.slice(0, 2000) : ''}` };
  }
  return { known: false, message: typeof o.message === 'string' ? o.message.slice(0, 2000) : undefined };
}

const MAX_SHAPE_KEYS = 24;

/** Keys and JSON types only, depth ≤ 3: `{"error":"object","error.code":"string",…}`. */
export function sanitizedShape(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  const walk = (v: unknown, path: string, depth: number) => {
    if (n >= MAX_SHAPE_KEYS) return;
    const t = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    out[path || '$'] = t;
    n++;
    if (depth >= 3) return;
    if (Array.isArray(v)) {
      if (v.length > 0) walk(v[0], `${path}[]`, depth + 1);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const key = TOKEN.test(k) ? k : '?';
        walk((v as Record<string, unknown>)[k], path ? `${path}.${key}` : key, depth + 1);
      }
    }
  };
  walk(body, '', 0);
  return out;
}
