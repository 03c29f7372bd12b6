// SPDX-License-Identifier: Apache-2.0
// Properties of the SSE parser and the chat-stream accumulator: whatever the bytes and however
// they are cut into reads (inside a CRLF, inside a UTF-8 code point), the same events come out;
// nothing throws; output and buffered memory stay within the input size and the line limit.
import { expect } from 'chai';
import fc from 'fast-check';
import { ChatStreamAccumulator } from './chat-stream.js';
import type { ChatStreamResult } from './chat-stream.js';
import { SseParser } from './parser.js';
import type { SseEvent } from './parser.js';

interface Parsed {
  events: SseEvent[];
  comments: string[];
  stats: SseParser['stats'];
  /** Largest internal line buffer seen after any read (memory bound). */
  maxBuffered: number;
}

function parse(chunks: readonly Uint8Array[], maxLineBytes?: number): Parsed {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const p = new SseParser({
    maxLineBytes,
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
  });
  let maxBuffered = 0;
  for (const c of chunks) {
    p.push(c);
    // white-box: the partial line is the only thing the parser holds between reads
    maxBuffered = Math.max(maxBuffered, (p as unknown as { buf: string }).buf.length);
  }
  p.end();
  return { events, comments, stats: { ...p.stats }, maxBuffered };
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed: empty reads happen too). */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [...at.map((x) => x % (bytes.length + 1))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/**
 * A straightforward whole-text reading of the same rules (HTML event-stream interpretation plus
 * the parser's documented tolerance of leading whitespace), to compare the incremental parser to.
 */
function reference(text: string): SseEvent[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  lines.pop(); // the unterminated tail: processed at end, but its event is never dispatched
  const events: SseEvent[] = [];
  let data: string[] = [];
  let name = '';
  let id: string | undefined;
  for (const raw of lines) {
    const line = raw.startsWith(' ') || raw.startsWith('\t') ? raw.trimStart() : raw;
    if (line === '') {
      if (data.length > 0) events.push({ event: name || 'message', data: data.join('\n'), id });
      data = [];
      name = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') name = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  }
  return events;
}

const EOL = fc.constantFrom('\n', '\r\n', '\r');
/** Values with multi-byte code points (2, 3 and 4 UTF-8 bytes), JSON-ish text and colons. */
const value = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('{"c":"Olá 😊"}', '[DONE]', 'ünïcødé ✓ 漢字', ' lead', 'a:b', '', '\0x'),
  fc.json({ maxDepth: 2 }),
);
const sseLine = fc.oneof(
  fc.tuple(fc.constantFrom('data: ', 'data:', '  data: ', 'data'), value).map(([f, v]) => f + v),
  value.map((v) => `event: ${v}`),
  value.map((v) => `id: ${v}`),
  value.map((v) => `: ${v}`),
  fc.constantFrom('', '', 'retry: 10', 'garbage line', '\t'),
);
/** Event-stream-like text: generated lines with mixed line endings, maybe a BOM, maybe cut short. */
const sseText = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.tuple(
        sseLine.map((l) => l.replace(/[\r\n]/g, ' ')),
        EOL,
      ),
      { maxLength: 30 },
    ),
    fc.option(sseLine.map((l) => l.replace(/[\r\n]/g, ' '))),
  )
  .map(([bom, lines, tail]) => (bom ? '\ufeff' : '') + lines.map(([l, e]) => l + e).join('') + (tail ?? ''));
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('SSE parser properties (fast-check)', () => {
  it('arbitrary bytes, arbitrary reads: never throws, same events as one read, bounded output', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, (bytes, at) => {
        const whole = parse([bytes], 64);
        const split = parse(cut(bytes, at), 64);
        expect(split.events).to.deep.equal(whole.events);
        expect(split.comments).to.deep.equal(whole.comments);
        expect(split.stats).to.deep.equal(whole.stats);
        expect(split.maxBuffered).to.be.at.most(64);
        // an event needs a data line and a blank line: at least "data\n\n"
        expect(whole.events.length).to.be.at.most(Math.floor(bytes.length / 6));
        const dataChars = whole.events.reduce((n, e) => n + e.data.length, 0);
        expect(dataChars).to.be.at.most(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('event-stream text with CR, LF and CRLF, cut anywhere (inside CRLF and code points): same events as the reference reading', () => {
    fc.assert(
      fc.property(sseText, cuts, (text, at) => {
        const bytes = new TextEncoder().encode(text);
        const expected = reference(text);
        expect(parse([bytes]).events).to.deep.equal(expected);
        expect(parse(cut(bytes, at)).events).to.deep.equal(expected);
        // one byte per read: every CRLF and every multi-byte code point is split
        expect(parse(cut(bytes, [...bytes.keys()])).events).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a line limit bounds every kept line and the buffer, whatever the reads', () => {
    fc.assert(
      fc.property(sseText, cuts, fc.integer({ min: 1, max: 40 }), (text, at, limit) => {
        const bytes = new TextEncoder().encode(text);
        const whole = parse([bytes], limit);
        const split = parse(cut(bytes, at), limit);
        expect(split.events).to.deep.equal(whole.events);
        expect(split.stats.oversizedLines).to.equal(whole.stats.oversizedLines);
        expect(split.maxBuffered).to.be.at.most(limit);
        for (const e of whole.events)
          for (const segment of e.data.split('\n')) expect(segment.length).to.be.at.most(limit);
      }),
      { numRuns: 200 },
    );
  });
});

/** The accumulator's result without the timing facts (they depend on when reads arrive). */
function untimed(r: ChatStreamResult): unknown {
  return {
    summary: { ...r.summary, anomalies: [...r.summary.anomalies].sort() },
    chunkCount: r.chunkCount,
    usage: r.usage,
    finishReasons: r.finishReasons,
    model: r.model,
    contentText: r.contentText,
  };
}

const chatChunk = fc.oneof(
  fc.record({
    id: fc.string({ maxLength: 8 }),
    model: fc.constantFrom('gpt-4o', 'm', ''),
    choices: fc.array(
      fc.record(
        {
          index: fc.nat({ max: 3 }),
          delta: fc.record(
            {
              content: fc.option(fc.string({ maxLength: 12 })),
              reasoning_content: fc.string({ maxLength: 5 }),
            },
            { requiredKeys: [] },
          ),
          finish_reason: fc.option(fc.constantFrom('stop', 'length', 'weird')),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    usage: fc.option(
      fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() }),
    ),
  }),
  fc.record({ error: fc.record({ message: fc.string({ maxLength: 10 }), code: fc.option(fc.string()) }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const chatEvent = fc.oneof(
  { weight: 6, arbitrary: chatChunk.map((c) => `data: ${JSON.stringify(c)}\n\n`) },
  { weight: 1, arbitrary: fc.constant('data: [DONE]\n\n') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `data: ${s}\n\n`) },
  { weight: 1, arbitrary: chatChunk.map((c) => `event: error\ndata: ${JSON.stringify(c)}\n\n`) },
  { weight: 1, arbitrary: fc.constantFrom(': keep-alive\n\n', 'garbage\n', '\r\n') },
);

describe('chat-stream accumulator properties (fast-check)', () => {
  const limits = { maxChunks: 3, maxGaps: 2, maxTextChars: 10, maxLineBytes: 256 };

  it('never throws, keeps within its limits, and reads are irrelevant to the result', () => {
    fc.assert(
      fc.property(fc.array(chatEvent, { maxLength: 15 }), cuts, (events, at) => {
        const bytes = new TextEncoder().encode(events.join(''));
        const run = (chunks: Uint8Array[]) => {
          const acc = new ChatStreamAccumulator(limits);
          chunks.forEach((c, i) => acc.push(c, i));
          return acc.end();
        };
        const whole = run([bytes]);
        const split = run(cut(bytes, at));
        expect(untimed(split)).to.deep.equal(untimed(whole));
        expect(whole.summary.chunks?.length ?? 0).to.be.at.most(limits.maxChunks);
        expect(split.chunkGapsMs.length).to.be.at.most(limits.maxGaps);
        expect((whole.contentText ?? '').length).to.be.at.most(limits.maxTextChars);
        expect(whole.summary.events).to.be.at.most(Math.floor(bytes.length / 6));
        expect(whole.summary.anomalies.length).to.be.at.most(10);
      }),
      { numRuns: 200 },
    );
  });
});
