// SPDX-License-Identifier: Apache-2.0
// One-shot read of whole files through parse → record → classify → aggregate, the hot path
// of `driftwatch replay`: large chunked reads, lines split by index, no per-line promises.
import { closeSync, openSync, readSync } from 'node:fs';
import type { AccessLogConfig } from './config.js';
import { classifyLine } from './classify-line.js';
import { createLineParser } from './parsers/create.js';
import { READ_CHUNK_BYTES } from './read-chunk.js';
import { RecordBuilder } from './record.js';
import { RouteNormalizer } from './route.js';
import { SummaryAggregator } from './summary.js';
import type { ReplaySummary } from './summary.js';

const CHUNK = READ_CHUNK_BYTES;

export function replayFiles(
  files: readonly string[],
  config: AccessLogConfig,
  receiverId = 'access_log/replay',
): ReplaySummary {
  const started = Date.now();
  const parser = createLineParser(config);
  const builder = new RecordBuilder({
    receiver: receiverId,
    provider: config.provider,
    routes: new RouteNormalizer(config.max_routes, config.routes),
    maxModels: config.max_models,
  });
  const agg = new SummaryAggregator();
  const lines = agg.lines;
  const max = config.max_line_bytes;
  const buf = Buffer.allocUnsafe(CHUNK);
  const now = Date.now();
  const handle = (line: string) => {
    if (line.length === 0) return;
    lines.read++;
    if (line.length > max) {
      lines.truncated++;
      line = line.slice(0, max);
    }
    const f = parser.parse(line);
    if (!f || (f.status === undefined && f.path === undefined && f.model === undefined)) {
      lines.unparsed++;
      return;
    }
    lines.parsed++;
    const r = builder.build(f, now);
    agg.add(r, classifyLine(r));
  };
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      let partial = '';
      let pos = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, pos);
        if (n <= 0) break;
        pos += n;
        const text =
          partial.length > 0 ? partial + buf.toString('latin1', 0, n) : buf.toString('latin1', 0, n);
        let start = 0;
        let nl = text.indexOf('\n');
        while (nl >= 0) {
          handle(text.charCodeAt(nl - 1) === 13 ? text.substring(start, nl - 1) : text.substring(start, nl));
          start = nl + 1;
          nl = text.indexOf('\n', start);
        }
        partial = text.substring(start);
        // A line longer than the limit: keep only its head so memory stays bounded.
        if (partial.length > max * 2) partial = partial.slice(0, max + 1);
      }
      if (partial.length > 0) handle(partial.endsWith('\r') ? partial.slice(0, -1) : partial);
    } finally {
      closeSync(fd);
    }
  }
  const s = agg.summary([...files]);
  s.elapsed_ms = Date.now() - started;
  return s;
}
