// SPDX-License-Identifier: Apache-2.0
// Recorded provider streams (test/fixtures/llm/streams, see SOURCES.md) replayed byte for byte
// over loopback with set timings (headers after 60 ms, one event every 25 ms), read by the probe.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { probeOnce } from '../src/testing/probe-once.js';
import { ReplayServer, splitEvents } from '../src/testing/replay-server.js';

const DIR = new URL('./fixtures/llm/streams/', import.meta.url);
const TTFB = 60;
const GAP = 25;

/** Index of the first event whose deltas carry content, refusal or tool calls. */
function firstContentEvent(parts: Buffer[]): number {
  return parts.findIndex((p) => {
    const m = /^data: (.*)$/m.exec(p.toString('utf8'));
    if (!m || m[1] === '[DONE]') return false;
    const c = JSON.parse(m[1]) as { choices?: Array<{ delta?: Record<string, unknown> }> };
    return (c.choices ?? []).some((ch) => {
      const d = ch.delta ?? {};
      return (
        (typeof d.content === 'string' && d.content !== '') ||
        (typeof d.refusal === 'string' && d.refusal !== '') ||
        (Array.isArray(d.tool_calls) && d.tool_calls.length > 0)
      );
    });
  });
}

describe('probe over replayed recorded streams', function () {
  this.timeout(60_000);
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.sse'))) {
    it(file, async () => {
      const body = readFileSync(new URL(file, DIR));
      const parts = splitEvents(body);
      expect(Buffer.concat(parts).equals(body), 'split keeps every byte').to.equal(true);
      const srv = new ReplayServer(body, { ttfbMs: TTFB, gapMs: GAP });
      const base = await srv.start();
      try {
        const { records } = await probeOnce({
          base_url: base,
          probes: [{ name: 'replay', kind: 'chat_stream', interval: '1h' }],
        });
        const r = records[0];
        expect(r.transportError).to.equal(undefined);
        expect(r.response.bodyBytes, 'every byte read').to.equal(body.length);
        const s = r.response.stream!;
        expect(s.sawDone).to.equal(body.includes('data: [DONE]'));
        const dataEvents = (body.toString('utf8').match(/^data:/gm) ?? []).length;
        expect(s.events).to.equal(dataEvents);
        expect(s.anomalies.filter((a) => a !== 'no_done')).to.deep.equal([]);
        const idx = firstContentEvent(parts);
        if (idx >= 0) {
          // Tolerance: −5 ms (timer granularity) / +1000 ms (a loaded shared 2-core machine); the lower bound is what proves role-only and filter chunks are not counted. (Not measured from TTFB: on a loaded machine TTFB is seen late while later chunks are already buffered.)
          const expected = TTFB + idx * GAP;
          expect(r.timings.firstTokenMs, 'first content token').to.be.within(expected - 5, expected + 1000);
        }
        const text = body.toString('utf8');
        // Groq's `x_groq.usage` is a vendor place: the contract's stream.usage_from reads it, not the probe
        if (text.includes('"x_groq"'))
          expect(r.response.usage, 'vendor usage left to the contract').to.equal(undefined);
        else if (/"usage":\{/.test(text)) expect(r.response.usage, 'usage captured').to.not.equal(undefined);
      } finally {
        await srv.stop();
      }
    });
  }
});
