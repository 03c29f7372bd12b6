// SPDX-License-Identifier: Apache-2.0
// A small SSE reader for captured streams (`check-response STREAM.sse`, tests): splits events,
// parses `data:` JSON, stops at `[DONE]`, and names anomalies with the receivers' vocabulary.
import type { StreamSummary } from '../model/call-record.js';
import { overJsonLimits } from '../util/json-limits.js';

export function parseSse(text: string, maxChunks = 10_000): StreamSummary {
  const s: StreamSummary = {
    events: 0,
    dataChunks: 0,
    comments: 0,
    sawDone: false,
    anomalies: [],
    chunks: [],
  };
  const anomaly = (a: string) => {
    if (!s.anomalies.includes(a)) s.anomalies.push(a);
  };
  let data: string[] = [];
  let eventName = '';
  const dispatch = () => {
    if (data.length === 0) {
      eventName = '';
      return;
    }
    s.events++;
    const payload = data.join('\n');
    data = [];
    if (payload.trim() === '[DONE]') {
      s.sawDone = true;
      return;
    }
    s.dataChunks++;
    if (overJsonLimits(payload)) {
      anomaly('too_complex');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      anomaly('invalid_json');
      return;
    }
    if (eventName === 'error' || (parsed !== null && typeof parsed === 'object' && 'error' in parsed)) {
      anomaly('error_event');
      s.errorEvent ??= parsed;
    }
    if (s.chunks!.length < maxChunks) s.chunks!.push(parsed);
    eventName = '';
  };
  for (const rawLine of text.split('\n')) {
    if (s.sawDone) break;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') dispatch();
    else if (line.startsWith(':')) s.comments++;
    else if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    else if (line.startsWith('event:')) eventName = line.slice(6).trim();
    else if (/^(id|retry):/.test(line)) continue;
    else anomaly('garbage');
  }
  if (!s.sawDone) dispatch();
  if (!s.sawDone) anomaly('no_done');
  return s;
}
