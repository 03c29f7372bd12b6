// SPDX-License-Identifier: Apache-2.0
// Bounded in-memory sending queue with N consumers. offer() returns the promise of delivery
// (the upstream acknowledgement) or undefined when the queue is full: the newest is dropped.
export interface QueueItem {
  items: number;
}

interface Entry<T> {
  item: T;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class SendingQueue<T extends QueueItem> {
  private readonly pending: Entry<T>[] = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly capacity: number,
    private readonly consumers: number,
    private readonly handle: (item: T) => Promise<void>,
    private readonly onSize: (size: number) => void = () => {},
  ) {}

  get size(): number {
    return this.pending.length + this.active;
  }

  offer(item: T): Promise<void> | undefined {
    if (this.pending.length >= this.capacity) return undefined;
    const p = new Promise<void>((resolve, reject) => this.pending.push({ item, resolve, reject }));
    this.onSize(this.size);
    this.pump();
    return p;
  }

  private pump(): void {
    while (this.active < this.consumers && this.pending.length > 0) {
      const e = this.pending.shift()!;
      this.active++;
      this.handle(e.item)
        .then(e.resolve, (err: unknown) => e.reject(err instanceof Error ? err : new Error(String(err))))
        .finally(() => {
          this.active--;
          this.onSize(this.size);
          this.pump();
          if (this.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  /** Resolves when everything queued has been handled, or false at the deadline. */
  drain(deadline: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      t.unref();
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** Fails everything not yet started (shutdown past its deadline). */
  rejectPending(err: Error): number {
    const left = this.pending.splice(0);
    for (const e of left) e.reject(err);
    this.onSize(this.size);
    return left.reduce((n, e) => n + e.item.items, 0);
  }
}
