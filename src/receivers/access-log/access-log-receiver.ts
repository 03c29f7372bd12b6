// SPDX-License-Identifier: Apache-2.0
// The access_log receiver: a small coordinator. Each tick, the file set finds and identifies
// files (through rotation and truncation), new bytes go through the line splitter into records,
// the ledger sends batches (several in flight) and commits offsets in order as acknowledgements
// come, and the checkpoint writer saves what was committed. Reading pauses while every slot
// for a batch in flight is taken and the next batch is full: back-pressure, not buffering.
import { readSync } from 'node:fs';
import type { Component, CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer } from '../../component/consumer.js';
import type { DriftwatchError } from '../../component/errors.js';
import type { Counter, Gauge } from '../../telemetry/self-metrics.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import { CheckpointStore } from './checkpoints.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { AccessLogConfig } from './config.js';
import { ArchiveReader } from './archive-reader.js';
import { FileSet } from './file-set.js';
import { FileMatcher } from './glob.js';
import { DeliveryLedger } from './ledger.js';
import { LineIntake } from './line-intake.js';
import { LineRecords } from './line-records.js';
import { createLineParser } from './parsers/create.js';
import { READ_CHUNK_BYTES } from './read-chunk.js';
import { gatewayName, RecordBuilder } from './record.js';
import { RouteNormalizer } from './route.js';
import type { TrackedFile } from './tailer.js';
import { TimerTicker } from './ticker.js';
import type { Ticker } from './ticker.js';

export class AccessLogReceiver implements Component {
  private readonly fileSet: FileSet;
  private readonly ledger: DeliveryLedger;
  private readonly checkpoints: CheckpointWriter;
  private readonly records: LineRecords;
  private readonly archives: ArchiveReader;
  private readonly ticker: Ticker;
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private readonly scanMs: number;
  private readonly flushMs: number;
  private readonly rotateWaitMs: number;
  private lastScan = 0;
  private started = false;
  private stopped = false;
  private readonly log: RateLimitedLog;
  private readonly abort = new AbortController();
  private readonly lines: Counter;
  private readonly fileEvents: Counter;
  private readonly openFiles: Gauge;
  private readonly labels: Record<string, string>;

  /** `ticker`: what runs the ticks (timers and fs.watch unless given). */
  constructor(
    private readonly settings: CreateSettings,
    private readonly config: AccessLogConfig,
    next: Consumer,
    ticker?: Ticker,
  ) {
    const matcher = new FileMatcher(config.include, config.exclude);
    this.log = new RateLimitedLog(settings.logger);
    this.scanMs = config.scan_interval;
    this.flushMs = config.force_flush_period;
    this.rotateWaitMs = config.rotate_wait;
    this.ticker = ticker ?? new TimerTicker(config.poll_interval, matcher.directories());
    const m = settings.telemetry.metrics;
    this.labels = { receiver: settings.id };
    this.lines = m.counter('driftwatch_access_log_lines_total', 'Access-log lines read, by result.');
    this.fileEvents = m.counter(
      'driftwatch_access_log_file_events_total',
      'Files opened, rotated away, truncated, closed.',
    );
    this.openFiles = m.gauge('driftwatch_access_log_open_files', 'Files the access_log receiver follows.');
    for (const result of ['parsed', 'unparsed', 'truncated', 'trailing_content'])
      this.lines.touch({ ...this.labels, result });

    this.fileSet = new FileSet(config, matcher, {
      fileEvent: (event) => this.fileEvents.add(1, { ...this.labels, event }),
      ioError: (op, path, err, msg) => this.ioError(op, path, err, msg),
      tooManyFiles: (path) =>
        this.log.warn(
          'max_files',
          { path, max_files: config.max_files },
          'Too many files open; not following this one yet.',
        ),
      changed: () => this.checkpoints.changed(),
      archive: (path, key, size) => this.archives.consider(path, key, size),
    });
    this.checkpoints = new CheckpointWriter(
      config.checkpoints ? new CheckpointStore(settings.dataDir) : undefined,
      () => this.fileSet.snapshot(),
      settings.logger,
      (path, err) =>
        this.ioError(
          'checkpoint',
          path,
          err,
          'Cannot write checkpoints; the previous file stays intact and the write is retried.',
        ),
    );
    this.ledger = new DeliveryLedger(
      config.batch_size,
      config.max_inflight_batches,
      next,
      this.abort.signal,
      {
        committed: () => {
          // One small write per acknowledgement: a crash repeats at most the batches in flight.
          this.checkpoints.changed();
          this.checkpoints.flush();
          this.ticker.wake();
        },
        // accepted/refused are counted by the pipeline's observeReceiverOutput wrapper
        refused: (err, records, attempt, skipped) => {
          const e = err as Partial<DriftwatchError> | undefined;
          if (skipped)
            this.log.error(
              'refused-permanent',
              { code: e?.code, err: e?.message, records },
              'Pipeline refused an access-log batch for good; it is skipped.',
            );
          else
            this.log.error(
              'refused',
              { code: e?.code, err: e?.message, records, attempt },
              'Pipeline refused an access-log batch; it will be retried, the checkpoint does not move.',
            );
        },
      },
    );
    this.records = new LineRecords(
      new LineIntake(createLineParser(config), (message) =>
        settings.logger.warn({ receiver: settings.id }, `Access-log format: ${message}`),
      ),
      new RecordBuilder({
        receiver: settings.id,
        provider: config.provider,
        gateway: gatewayName(config.gateway, settings.id),
        maxUpstreams: config.max_upstreams,
        routes: new RouteNormalizer(config.max_routes, config.routes),
        maxModels: config.max_models,
      }),
      this.ledger,
      this.log,
    );
    this.archives = new ArchiveReader(
      this.fileSet,
      this.ledger,
      this.records,
      { fingerprintSize: config.fingerprint_size, maxLine: config.max_line_bytes },
      (path, err) => this.ioError('gunzip', path, err, 'Cannot read a compressed rotated log.'),
    );
  }

  async start(_host: Host): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    const { list, corrupt } = this.checkpoints.load();
    if (corrupt) {
      // A torn or damaged file: files found now are treated as new (start_at applies).
      this.settings.telemetry.error('io_failed', 'receiving');
      this.settings.logger.error(
        { path: this.checkpoints.file, moved_to: corrupt.movedTo },
        'Checkpoint file did not parse (torn or damaged); moved aside, starting without checkpoints.',
      );
    }
    this.fileSet.restore(list);
    this.ticker.start(() => this.safeTick());
  }

  /** A bug in one tick is logged; the next tick runs as usual (never a crash of the agent). */
  private async safeTick(): Promise<void> {
    try {
      this.tick();
    } catch (err) {
      this.log.error(
        'tick',
        { err: (err as Error)?.stack ?? String(err) },
        'access_log tick failed; retrying next poll.',
      );
    }
  }

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.records.now = now;
    if (now - this.lastScan >= this.scanMs) {
      this.lastScan = now;
      this.fileSet.scan(now);
    }
    let more = false;
    for (const f of this.fileSet.files.values()) {
      if (!this.readFile(f, now)) break; // back-pressure: an acknowledgement wakes the next tick
      if (f.cursor.read < f.lastSize) more = true; // max_bytes_per_poll reached
    }
    this.flushStalePartials(now);
    this.fileSet.closeFinished(
      now,
      this.rotateWaitMs,
      (f) => this.takeLastLine(f),
      (c) => this.ledger.pending(c),
    );
    this.openFiles.set(this.fileSet.files.size, this.labels);
    this.records.flushCounts(this.lines, this.labels, this.settings.telemetry);
    this.ledger.send(true);
    this.checkpoints.flush();
    // Catching up: the next slice right after other work had its turn, not a poll interval later.
    if (more) this.ticker.wake();
  }

  /** Reads what is new in one file; false when back-pressure stopped reading. */
  private readFile(f: TrackedFile, now: number): boolean {
    const size = this.fileSet.refresh(f, now);
    if (size === undefined) return true;
    let budget = this.config.max_bytes_per_poll;
    while (f.cursor.read < size && budget > 0) {
      if (this.ledger.full() && !this.ledger.send(false)) return false;
      const c = f.cursor;
      const want = Math.min(READ_CHUNK_BYTES, size - c.read, budget);
      let n: number;
      try {
        n = readSync(f.fd, this.buf, 0, want, c.read);
      } catch (err) {
        this.ioError('read', f.path, err as NodeJS.ErrnoException, 'Cannot read a followed file.');
        return true;
      }
      if (n <= 0) break;
      const before = f.lineEnd();
      const held = f.lines.pending;
      // A batch never holds more than batch_size records: the splitter stops at the line that
      // filled it and the rest of the chunk is read again once a slot is free.
      const used = f.lines.push(this.buf.toString('latin1', 0, n), this.records);
      c.read += used;
      budget -= used;
      const end = f.lineEnd();
      if (end > before) this.ledger.mark(c, end);
      if (held === 0 && f.lines.pending > 0) f.partialSince = now;
    }
    return true;
  }

  /** A last line without newline is emitted after `force_flush_period` of quiet. */
  private flushStalePartials(now: number): void {
    if (this.flushMs <= 0) return;
    for (const f of this.fileSet.files.values())
      if (f.lines.pending > 0 && now - f.partialSince >= this.flushMs && f.cursor.read >= f.lastSize)
        this.takeLastLine(f);
  }

  private takeLastLine(f: TrackedFile): void {
    if (f.lines.pending === 0) return;
    this.records.line(f.lines.takePartial(), false);
    this.ledger.mark(f.cursor, f.cursor.read);
  }

  private ioError(op: string, path: string, err: NodeJS.ErrnoException, msg: string): void {
    this.settings.telemetry.error('io_failed', 'receiving');
    this.log.error(
      `${op}:${err.code ?? 'unknown'}`,
      { code: 'DW_ERR_SOURCE_IO', op, path, errno: err.code },
      msg,
    );
  }

  async shutdown(opts: ShutdownOptions): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.ticker.stop();
    await this.archives.stop();
    if (this.started) {
      // Hand over what was read (it is committed only when acknowledged), then wait for acks.
      this.ledger.send(true, true);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, opts.deadline - Date.now()))));
      await Promise.race([this.ledger.idle(), late]);
      clearTimeout(timer);
      this.ledger.stop();
      this.abort.abort();
      this.checkpoints.flush();
    }
    this.records.flushCounts(this.lines, this.labels, this.settings.telemetry);
    this.checkpoints.close();
    this.fileSet.closeAll();
  }
}
