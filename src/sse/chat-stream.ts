// SPDX-License-Identifier: Apache-2.0
// Turns the bytes of a streamed chat completion into a StreamSummary plus the timing facts of
// the stream (first event, first content token, first reasoning token, gaps between chunks).
// Anomalies are recorded, never thrown. Everything kept is bounded by the limits given.
import type { StreamSummary, Usage } from '../model/call-record.js';
import { deltaFacts, finishReasonsOf, isObject, modelOf, usageFromChunk } from './chat-extract.js';
import { SseParser } from './parser.js';
import { DEFAULT_JSON_LIMITS, overJsonLimits } from '../util/json-limits.js';
import type { JsonLimits } from '../util/json-limits.js';
import type { SseEvent } from './parser.js';

/** The bounded vocabulary of stream anomalies (StreamSummary.anomalies). */
export type StreamAnomaly =
  | 'no_done'
  | 'error_event'
  | 'invalid_json'
  | 'garbage'
  | 'stalled'
  | 'deadline'
  | 'body_limit'
  | 'data_after_done'
  | 'oversized_line'
  | 'too_complex'
  | 'no_events';

export interface ChatStreamLimits {
  /**
   * Parsed chunks kept in memory for judging: the first ones and the last few (where the finish
   * reason and usage sit); the ones between are counted, not kept.
   */
  maxChunks: number;
  /** Chunk gaps kept (a sample from the start of the stream). */
  maxGaps: number;
  /** Characters of choice 0's text kept for the soft answer check. */
  maxTextChars: number;
  maxLineBytes: number;
  /** Depth and value limits of one event's JSON; a bigger event is not parsed (`too_complex`). */
  json: JsonLimits;
}

export const DEFAULT_STREAM_LIMITS: ChatStreamLimits = {
  maxChunks: 1000,
  maxGaps: 256,
  maxTextChars: 2048,
  maxLineBytes: 1024 * 1024,
  json: DEFAULT_JSON_LIMITS,
};

/** Chunks kept from the end of a stream longer than `maxChunks`. */
const TAIL_CHUNKS = 16;

export interface ChatStreamResult {
  summary: StreamSummary;
  firstEventMs?: number;
  firstTokenMs?: number;
  firstReasoningTokenMs?: number;
  chunkGapsMs: number[];
  chunkCount: number;
  usage?: Usage;
  finishReasons: string[];
  model?: string;
  contentText?: string;
}

export class ChatStreamAccumulator {
  private readonly parser: SseParser;
  private readonly limits: ChatStreamLimits;
  private readonly anomalies = new Set<StreamAnomaly>();
  private readonly chunks: unknown[] = [];
  private readonly headMax: number;
  private readonly tailMax: number;
  /** Ring of the last `tailMax` chunks once the head is full; `tailAt` is its oldest slot. */
  private readonly tail: unknown[] = [];
  private tailAt = 0;
  private readonly gaps: number[] = [];
  private readonly finish = new Map<number, string>();
  private now = 0;
  private lastDataAt?: number;
  private firstEventMs?: number;
  private firstTokenMs?: number;
  private firstReasoningMs?: number;
  private dataChunks = 0;
  private sawDone = false;
  private usage?: Usage;
  private model?: string;
  private text = '';
  private contentChars = 0;
  private errorEvent?: unknown;

  constructor(limits: Partial<ChatStreamLimits> = {}) {
    // a literal, not a spread of the defaults: one is made for every judged stream
    const d = DEFAULT_STREAM_LIMITS;
    this.limits = {
      maxChunks: limits.maxChunks ?? d.maxChunks,
      maxGaps: limits.maxGaps ?? d.maxGaps,
      maxTextChars: limits.maxTextChars ?? d.maxTextChars,
      maxLineBytes: limits.maxLineBytes ?? d.maxLineBytes,
      json: limits.json ?? d.json,
    };
    this.tailMax = Math.min(TAIL_CHUNKS, Math.floor(this.limits.maxChunks / 2));
    this.headMax = this.limits.maxChunks - this.tailMax;
    this.parser = new SseParser({
      maxLineBytes: this.limits.maxLineBytes,
      onEvent: (e) => this.onEvent(e),
    });
  }

  /** Feeds one read; `atMs` is when it arrived (ms since the request started). */
  push(bytes: Uint8Array | string, atMs: number): void {
    this.now = atMs;
    this.parser.push(bytes);
  }

  /** Marks an anomaly found by the reader (stalled, deadline, body_limit). */
  mark(a: StreamAnomaly): void {
    this.anomalies.add(a);
  }

  end(): ChatStreamResult {
    this.parser.end();
    const st = this.parser.stats;
    if (!this.sawDone) this.anomalies.add('no_done');
    if (st.unknownLines > 0) this.anomalies.add('garbage');
    if (st.oversizedLines > 0) this.anomalies.add('oversized_line');
    if (st.events === 0 && st.comments === 0) this.anomalies.add(st.bytes > 0 ? 'garbage' : 'no_events');
    const summary: StreamSummary = {
      events: st.events,
      dataChunks: this.dataChunks,
      comments: st.comments,
      sawDone: this.sawDone,
      anomalies: [...this.anomalies],
      chunks: [...this.chunks, ...this.tail.slice(this.tailAt), ...this.tail.slice(0, this.tailAt)],
      contentChars: this.contentChars,
    };
    if (this.errorEvent !== undefined) summary.errorEvent = this.errorEvent;
    return {
      summary,
      firstEventMs: this.firstEventMs,
      firstTokenMs: this.firstTokenMs,
      firstReasoningTokenMs: this.firstReasoningMs,
      chunkGapsMs: this.gaps,
      chunkCount: this.dataChunks,
      usage: this.usage,
      finishReasons: [...this.finish.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r),
      model: this.model,
      contentText: this.contentChars > 0 ? this.text : undefined,
    };
  }

  private keep(chunk: unknown): void {
    if (this.chunks.length < this.headMax) this.chunks.push(chunk);
    else if (this.tail.length < this.tailMax) this.tail.push(chunk);
    else if (this.tailMax > 0) {
      this.tail[this.tailAt] = chunk;
      this.tailAt = (this.tailAt + 1) % this.tailMax;
    }
  }

  private onEvent(e: SseEvent): void {
    this.firstEventMs ??= this.now;
    if (this.lastDataAt !== undefined && this.gaps.length < this.limits.maxGaps) {
      this.gaps.push(Math.max(0, this.now - this.lastDataAt));
    }
    this.lastDataAt = this.now;
    const data = e.data.trim();
    if (data === '[DONE]') {
      this.sawDone = true;
      return;
    }
    if (this.sawDone) this.anomalies.add('data_after_done');
    this.dataChunks++;
    if (overJsonLimits(data, this.limits.json)) {
      this.anomalies.add('too_complex');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.anomalies.add(e.event === 'error' ? 'error_event' : 'invalid_json');
      return;
    }
    this.keep(parsed);
    if (e.event === 'error' || (isObject(parsed) && 'error' in parsed && !('choices' in parsed))) {
      this.anomalies.add('error_event');
      this.errorEvent ??= isObject(parsed) && 'error' in parsed ? parsed.error : parsed;
      return;
    }
    this.model ??= modelOf(parsed);
    const u = usageFromChunk(parsed);
    if (u) this.usage = u;
    finishReasonsOf(parsed, this.finish);
    const d = deltaFacts(parsed);
    if (d.content) this.firstTokenMs ??= this.now;
    if (d.reasoning) this.firstReasoningMs ??= this.now;
    if (d.text !== undefined) {
      this.contentChars += d.text.length;
      if (this.text.length < this.limits.maxTextChars) {
        this.text = (this.text + d.text).slice(0, this.limits.maxTextChars);
      }
    }
  }
}
