// SPDX-License-Identifier: Apache-2.0
// What runs the receiver's ticks: a poll timer, an immediate tick when woken (an acknowledgement
// freed a slot, fs.watch saw a directory change), never two ticks at once. The receiver takes
// any Ticker, so a test can run ticks one by one instead of on timers.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';

export interface Ticker {
  /** Starts calling `tick`; never two calls at once. */
  start(tick: () => Promise<void>): void;
  /** A tick soon (more work can be done now). */
  wake(): void;
  /** No more ticks; resolves once a running one has finished. */
  stop(): Promise<void>;
}

export class TimerTicker implements Ticker {
  private tick?: () => Promise<void>;
  private running?: Promise<void>;
  /** A tick is under way (set before it starts: a tick may wake the ticker synchronously). */
  private busy = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private readonly watchers: FSWatcher[] = [];

  constructor(
    private readonly pollMs: number,
    private readonly dirs: readonly string[],
  ) {}

  start(tick: () => Promise<void>): void {
    this.tick = tick;
    for (const dir of this.dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => this.wake());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // fs.watch is only a hint; polling still runs.
      }
    }
    this.schedule(0);
  }

  wake(): void {
    if (this.stopped || !this.tick) return;
    if (this.busy) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    for (const w of this.watchers) w.close();
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    const run = () => {
      this.busy = true;
      this.running = this.tick!().finally(() => {
        this.busy = false;
        this.running = undefined;
        const soon = this.again;
        this.again = false;
        this.schedule(soon ? 0 : this.pollMs);
      });
    };
    // An acknowledgement resumes reading at once (setTimeout(0) would wait >= 1 ms per batch).
    if (ms === 0) this.immediate = setImmediate(run).unref();
    else this.timer = setTimeout(run, ms).unref();
  }
}
