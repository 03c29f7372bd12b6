// SPDX-License-Identifier: Apache-2.0
// One-shot read of whole files through parse → record → classify → aggregate, the hot path
// of `driftwatch replay`: chunked reads, lines cut by the tailer's own LineSplitter, no per-line
// promises. With a sink (`replay --export`), records also leave in batches, each awaited
// (acknowledged) before the next chunk is read, so memory stays bounded however large the files are.
import { closeSync, openSync, readSync } from 'node:fs';
import type { CallRecord } from '../../model/call-record.js';
import type { AccessLogConfig } from './config.js';
import { classifyLine } from './classify-line.js';
import { LineIntake } from './line-intake.js';
import { LineSplitter } from './line-splitter.js';
import type { LineSink } from './line-splitter.js';
import { createLineParser } from './parsers/create.js';
import { READ_CHUNK_BYTES } from './read-chunk.js';
import { gatewayName, RecordBuilder } from './record.js';
import { RouteNormalizer } from './route.js';
import { SummaryAggregator } from './summary.js';
import type { ReplaySummary } from './summary.js';
import { formatHint } from './format-hint.js';

const SAMPLES = 20;

/** Receives each batch of records; the promise is the acknowledgement. */
export type ReplaySink = (batch: CallRecord[]) => Promise<void>;

class Replayer implements LineSink {
  readonly agg = new SummaryAggregator();
  /** Records waiting for the sink (only kept when there is one). */
  pending: CallRecord[] = [];
  /** The first lines that did not parse, kept only to guess the format (never printed). */
  readonly samples: string[] = [];
  private readonly intake: LineIntake;
  private readonly builder: RecordBuilder;
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private readonly now = Date.now();

  constructor(
    private readonly config: AccessLogConfig,
    receiverId: string,
    private readonly keep: boolean,
  ) {
    this.intake = new LineIntake(createLineParser(config), (m) => this.agg.warnings.push(m));
    this.builder = new RecordBuilder({
      receiver: receiverId,
      provider: config.provider,
      gateway: gatewayName(config.gateway, receiverId),
      maxUpstreams: config.max_upstreams,
      routes: new RouteNormalizer(config.max_routes, config.routes),
      maxModels: config.max_models,
    });
  }

  /** Yields after every chunk, so an async caller can send batches in between. */
  *read(file: string): Generator<void> {
    const lines = new LineSplitter(this.config.max_line_bytes);
    const fd = openSync(file, 'r');
    try {
      let pos = 0;
      for (;;) {
        const n = readSync(fd, this.buf, 0, READ_CHUNK_BYTES, pos);
        if (n <= 0) break;
        pos += n;
        lines.push(this.buf.toString('latin1', 0, n), this);
        yield;
      }
      const last = lines.takePartial();
      if (last.length > 0) this.line(last, false);
    } finally {
      closeSync(fd);
    }
  }

  finish(files: readonly string[]): ReplaySummary {
    this.intake.finish();
    const s = this.agg.summary([...files]);
    if (s.lines.read > 0 && s.lines.parsed === 0) {
      // remarks about the configured format matter less than which format the lines are in
      s.warnings = [];
      s.hint = formatHint(this.config, this.samples);
    }
    return s;
  }

  /** LineSink: never asks the splitter to stop. */
  line(line: string, cut: boolean): boolean {
    if (line.length === 0) return false;
    const lines = this.agg.lines;
    lines.read++;
    if (cut) lines.truncated++;
    const outcome = this.intake.read(line);
    if (outcome !== 'parsed') {
      lines[outcome]++;
      if (this.samples.length < SAMPLES) this.samples.push(line.slice(0, 4096));
      return false;
    }
    lines.parsed++;
    const r = this.builder.build(this.intake.fields!, this.now);
    this.agg.add(r, classifyLine(r));
    if (this.keep) this.pending.push(r);
    return false;
  }
}

export function replayFiles(
  files: readonly string[],
  config: AccessLogConfig,
  receiverId = 'access_log/replay',
): ReplaySummary {
  const started = Date.now();
  const rp = new Replayer(config, receiverId, false);
  for (const file of files) for (const _ of rp.read(file));
  const s = rp.finish(files);
  s.elapsed_ms = Date.now() - started;
  return s;
}

/** What `replayFilesInto` sent: records and batches acknowledged, and those refused downstream. */
export interface ExportTally {
  records: number;
  batches: number;
  failed_records: number;
  errors: string[];
}

/** As `replayFiles`, and every record also goes to `sink` in batches of `config.batch_size`. */
export async function replayFilesInto(
  files: readonly string[],
  config: AccessLogConfig,
  sink: ReplaySink,
  receiverId: string,
): Promise<{ summary: ReplaySummary; exported: ExportTally }> {
  const started = Date.now();
  const rp = new Replayer(config, receiverId, true);
  const tally: ExportTally = { records: 0, batches: 0, failed_records: 0, errors: [] };
  const send = async () => {
    const batch = rp.pending;
    rp.pending = [];
    try {
      await sink(batch);
      tally.records += batch.length;
      tally.batches++;
    } catch (err) {
      tally.failed_records += batch.length;
      // Distinct messages only, a few: the same outage fails every batch.
      const msg = (err as Error).message;
      if (tally.errors.length < 5 && !tally.errors.includes(msg)) tally.errors.push(msg);
    }
  };
  for (const file of files)
    for (const _ of rp.read(file)) if (rp.pending.length >= config.batch_size) await send();
  if (rp.pending.length > 0) await send();
  const summary = rp.finish(files);
  summary.elapsed_ms = Date.now() - started;
  return { summary, exported: tally };
}
