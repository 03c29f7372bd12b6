// SPDX-License-Identifier: Apache-2.0
// Does a 2xx body carry an error instead of a completion? Servers do this (a 200 with
// `{"error":{…}}`, vLLM's top-level `{"object":"error",…}`); validate judges such a body as the
// error it is, classify takes the class from its envelope.

export function carriesErrorEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const o = body as Record<string, unknown>;
  if (Array.isArray(o.choices)) return false;
  if (o.error !== null && typeof o.error === 'object' && !Array.isArray(o.error)) return true;
  return o.object === 'error';
}
