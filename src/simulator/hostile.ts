// SPDX-License-Identifier: Apache-2.0
// Hostile but well-formed answers (issue 16's mix): a completion carrying a 400,000-deep array,
// one with 10,000 choices, one with a 60,000-key object, and a 6,000-event stream. Each fits
// under the receivers' 1 MiB body limit, so only the JSON depth / value limits keep judging them
// cheap. Built once per process and served from memory.
import { chunkBody, completionBody } from './templates.js';

export const HOSTILE_SIZES = { depth: 400_000, choices: 10_000, keys: 60_000, events: 6_000 } as const;

const cache = new Map<string, Buffer>();

function cached(name: string, build: () => string): Buffer {
  let b = cache.get(name);
  if (b) return b;
  b = Buffer.from(build());
  if (cache.size < 32) cache.set(name, b); // the model comes from the request: bounded cache
  return b;
}

function base(model: string): Record<string, unknown> {
  return completionBody({ id: 'chatcmpl-hostile', created: 1764115200, model, content: 'ok' });
}

/** A normal completion with an extra field nested `depth` arrays deep. */
export function deepBody(model: string): Buffer {
  return cached(`deep|${model}`, () => {
    const json = JSON.stringify({ ...base(model), nested: 0 });
    const d = HOSTILE_SIZES.depth;
    return json.replace('"nested":0', `"nested":${'['.repeat(d)}${']'.repeat(d)}`);
  });
}

/** A completion with `choices` choices. */
export function manyChoicesBody(model: string): Buffer {
  return cached(`choices|${model}`, () => {
    // compact choices (no refusal, annotations, logprobs) so 10,000 of them fit in 1 MiB
    const b = base(model);
    b.choices = Array.from({ length: HOSTILE_SIZES.choices }, (_, i) => ({
      index: i,
      message: { role: 'assistant', content: 'ok' },
      finish_reason: 'stop',
    }));
    return JSON.stringify(b);
  });
}

/** A completion with one object of `keys` members. */
export function manyKeysBody(model: string): Buffer {
  return cached(`keys|${model}`, () => {
    const meta: Record<string, number> = {};
    for (let i = 0; i < HOSTILE_SIZES.keys; i++) meta[`k${i}`] = i;
    return JSON.stringify({ ...base(model), metadata: meta });
  });
}

/** A complete stream: `events` content chunks, a finish chunk, a usage chunk and `[DONE]`. */
export function longStream(model: string): Buffer {
  return cached(`stream|${model}`, () => {
    const parts: string[] = [];
    // compact chunks (no system_fingerprint, logprobs) so 6,000 of them fit in 1 MiB
    const chunk = (delta: Record<string, unknown>, finish: string | null) => {
      const c = chunkBody({ id: 'h', created: 1, model, delta, finish });
      delete c.system_fingerprint;
      for (const ch of c.choices as Array<Record<string, unknown>>) delete ch.logprobs;
      return `data: ${JSON.stringify(c)}\n\n`;
    };
    parts.push(chunk({ role: 'assistant', content: '' }, null));
    for (let i = 0; i < HOSTILE_SIZES.events; i++) parts.push(chunk({ content: 'x' }, null));
    const usage = {
      prompt_tokens: 9,
      completion_tokens: HOSTILE_SIZES.events,
      total_tokens: 9 + HOSTILE_SIZES.events,
    };
    parts.push(
      chunk({}, 'stop'),
      `data: ${JSON.stringify({ id: 'h', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
      'data: [DONE]\n\n',
    );
    return parts.join('');
  });
}
