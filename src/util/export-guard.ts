// SPDX-License-Identifier: Apache-2.0
// The last guard before bytes leave the process: every exporter checks its outgoing payload
// for the configured secrets and probe prompts, and drops (fails closed) when one is found.
// Compiled once per exporter; looks for each value raw, JSON-escaped, URL-encoded and in
// base64 (at each of the three byte alignments, so a secret inside a longer base64 text such
// as a Basic auth header is found too).

/** The middle of base64(prefix + v) for prefix lengths 0..2: stable whatever surrounds v. */
export function base64Forms(v: string): string[] {
  const bytes = Buffer.from(v, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = k === 0 ? 0 : 4; // the first group mixes in the unknown prefix
    const fullGroups = Math.floor((k + bytes.length) / 3); // groups made only of known bytes
    const end = fullGroups * 4;
    const mid = enc.slice(start, end);
    if (mid.length >= 8) out.push(mid);
  }
  return out;
}

/** encodeURIComponent, or undefined for text it cannot encode (a lone surrogate throws). */
export function urlForm(v: string): string | undefined {
  try {
    return encodeURIComponent(v);
  } catch {
    return undefined;
  }
}

export class ExportGuard {
  private readonly needles: Buffer[];

  constructor(sensitive: readonly string[]) {
    const forms = new Set<string>();
    for (const v of sensitive) {
      if (typeof v !== 'string' || v.length < 6) continue;
      forms.add(v);
      const escaped = JSON.stringify(v).slice(1, -1);
      if (escaped !== v) forms.add(escaped);
      const url = urlForm(v);
      if (url !== undefined && url !== v) forms.add(url);
      for (const b of base64Forms(v)) forms.add(b);
    }
    this.needles = [...forms].map((s) => Buffer.from(s, 'utf8'));
  }

  get active(): boolean {
    return this.needles.length > 0;
  }

  /** True when the payload contains none of the sensitive values. */
  allows(payload: string | Uint8Array): boolean {
    if (this.needles.length === 0) return true;
    const buf =
      typeof payload === 'string'
        ? Buffer.from(payload, 'utf8')
        : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    for (const n of this.needles) if (buf.indexOf(n) !== -1) return false;
    return true;
  }
}
