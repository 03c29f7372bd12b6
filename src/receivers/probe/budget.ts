// SPDX-License-Identifier: Apache-2.0
// Per-target daily token and request budget. The day's spend is written to the data directory
// so a restart does not reset it: at once when nothing was written in the last second, else
// once at the end of that second (a synchronous write and rename per probe blocked the event
// loop with many targets), and on shutdown. A crash forgets at most one second of spend.
// Days are UTC calendar days.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface BudgetLimits {
  dailyTokens: number;
  dailyRequests: number;
}

interface Spend {
  day: string;
  tokens: number;
  requests: number;
  /** The exhaustion event was already emitted today. */
  announced: boolean;
}

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

/** Writes of the spend are at least this far apart. */
const SAVE_EVERY_MS = 1000;

export class ProbeBudget {
  private spend: Spend;
  private lastSave = -Infinity;
  private pending?: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    private readonly limits: BudgetLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.spend = this.load();
  }

  private load(): Spend {
    const fresh: Spend = { day: today(this.now()), tokens: 0, requests: 0, announced: false };
    try {
      const v = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Spend>;
      if (typeof v.day === 'string' && typeof v.tokens === 'number' && typeof v.requests === 'number') {
        return { day: v.day, tokens: v.tokens, requests: v.requests, announced: v.announced === true };
      }
    } catch {
      // no file yet, or unreadable: start the day fresh
    }
    return fresh;
  }

  private roll(): void {
    const d = today(this.now());
    if (this.spend.day !== d) this.spend = { day: d, tokens: 0, requests: 0, announced: false };
  }

  /** Which limit is spent, or undefined while probing may go on. */
  exhausted(): 'tokens' | 'requests' | undefined {
    this.roll();
    if (this.limits.dailyRequests > 0 && this.spend.requests >= this.limits.dailyRequests) return 'requests';
    if (this.limits.dailyTokens > 0 && this.spend.tokens >= this.limits.dailyTokens) return 'tokens';
    return undefined;
  }

  /** True the first time it is called on an exhausted day (one event per day). */
  announce(): boolean {
    this.roll();
    if (this.spend.announced) return false;
    this.spend.announced = true;
    this.save();
    return true;
  }

  add(requests: number, tokens: number): void {
    this.roll();
    this.spend.requests += requests;
    this.spend.tokens += tokens;
    this.save();
  }

  snapshot(): Readonly<Spend> {
    this.roll();
    return { ...this.spend };
  }

  /** Writes a spend that waits for its turn now (receiver shutdown). */
  flush(): void {
    if (!this.pending) return;
    clearTimeout(this.pending);
    this.pending = undefined;
    this.write();
  }

  private save(): void {
    if (this.pending) return; // a write is already due; it takes the latest spend
    const wait = this.lastSave + SAVE_EVERY_MS - performance.now();
    if (wait <= 0) return this.write();
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.write();
    }, wait);
    this.pending.unref();
  }

  private write(): void {
    this.lastSave = performance.now();
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.spend));
      renameSync(tmp, this.file);
    } catch {
      // a read-only data dir must not stop probing; the spend then lives in memory only
    }
  }
}
