// SPDX-License-Identifier: Apache-2.0
// Writes the receiver's checkpoints when something changed: after each acknowledgement (so a
// crash repeats at most the batches in flight) and after file events. A failed write keeps the
// old file intact (see CheckpointStore), is logged rate-limited, and is tried again next time.
import type { Logger } from '../../telemetry/logger.js';
import type { Checkpoint, CheckpointStore, LoadedCheckpoints } from './checkpoints.js';

export class CheckpointWriter {
  private dirty = false;
  private failing = false;
  /** After shutdown: a late acknowledgement must not write over a successor's checkpoints. */
  private closed = false;

  constructor(
    private readonly store: CheckpointStore | undefined,
    private readonly snapshot: () => Checkpoint[],
    private readonly logger: Logger,
    private readonly failed: (path: string, err: NodeJS.ErrnoException) => void,
  ) {}

  load(): LoadedCheckpoints {
    return this.store ? this.store.load() : { list: [] };
  }

  get file(): string | undefined {
    return this.store?.file;
  }

  changed(): void {
    this.dirty = true;
  }

  /** Writes if anything changed since the last good write. */
  flush(): void {
    if (!this.store || !this.dirty || this.closed) return;
    this.dirty = false;
    try {
      this.store.save(this.snapshot());
      if (this.failing) {
        this.failing = false;
        this.logger.info({ path: this.store.file }, 'Checkpoints written again.');
      }
    } catch (err) {
      // Data keeps flowing; only the resume point is stale.
      this.failing = true;
      this.dirty = true;
      this.failed(this.store.file, err as NodeJS.ErrnoException);
    }
  }

  close(): void {
    this.closed = true;
    this.store?.close();
  }
}
