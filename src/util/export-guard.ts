// SPDX-License-Identifier: Apache-2.0
// The last guard before bytes leave the process: every exporter checks its outgoing payload
// for the configured secrets and probe prompts, and drops (fails closed) when one is found.
// Compiled once per exporter; looks for each value raw and in its JSON-escaped form.

export class ExportGuard {
  private readonly needles: Buffer[];

  constructor(sensitive: readonly string[]) {
    const forms = new Set<string>();
    for (const v of sensitive) {
      if (typeof v !== 'string' || v.length < 6) continue;
      forms.add(v);
      const escaped = JSON.stringify(v).slice(1, -1);
      if (escaped !== v) forms.add(escaped);
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
