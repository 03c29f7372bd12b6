// SPDX-License-Identifier: Apache-2.0
// Per-operation abort signals derived from a long-lived one (a component's shutdown signal)
// without leaving anything behind on it once the operation is over.
//
// Why not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: Node keeps every composite in
// the parent's dependant set for as long as the parent lives (nodejs/node#55351, #64476), so one
// call per export request grows the heap without bound over a soak. And an `{ once: true }`
// listener is only removed when it fires: a listener per sleep on the shutdown signal is a leak.

export class DeadlineSignal {
  private readonly ac = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private expired = false;
  private readonly onParentAbort = (): void => this.ac.abort(this.parent?.reason);

  constructor(
    ms: number,
    private readonly parent?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.ac.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, ms);
    this.timer.unref();
    if (parent?.aborted) this.ac.abort(parent.reason);
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  /** Aborts when the parent aborts or the deadline passes, whichever comes first. */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /** True when the deadline (not the parent) aborted the signal. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** Clears the timer and detaches from the parent; call when the operation is over. */
  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/** Waits `ms`; resolves false at once if `abort` fires first. Leaves no listener behind either way. */
export function sleepUnlessAborted(ms: number, abort?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (abort?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      abort?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    t.unref();
    abort?.addEventListener('abort', onAbort, { once: true });
  });
}
