// SPDX-License-Identifier: Apache-2.0
// The upstream through an HTTP(S) proxy: undici's ProxyAgent, whose connections tell the call
// that opened them what the upstream's certificate and protocol were, as the proxy's own
// HTTP/1.1 pool does on a direct connection (`ConnectionFacts`), and in which phase one failed.
import type { Dispatcher, ProxyAgent } from 'undici';
import { claimOpened, markCall, openingFailure, tunnelAgent } from '../../http-call/tunnel-agent.js';
import type { TunnelledCall } from '../../http-call/tunnel-agent.js';
import type { ConnectPhase, ConnectionFacts, OpenedConnection } from './http1/http1-pool.js';

/** undici's controller of one call, plus what the call's connection told (read once, at the end). */
class TunnelledController implements Dispatcher.DispatchController, ConnectionFacts {
  private claimed = false;
  private facts: OpenedConnection | undefined;
  constructor(
    /** undici passes none with the error of a call whose connection never opened. */
    private readonly inner: Dispatcher.DispatchController | undefined,
    private readonly call: TunnelledCall,
  ) {}
  get aborted(): boolean {
    return this.inner?.aborted ?? false;
  }
  get paused(): boolean {
    return this.inner?.paused ?? false;
  }
  get reason(): Error | null {
    return this.inner?.reason ?? null;
  }
  abort(reason: Error): void {
    this.inner?.abort(reason);
  }
  pause(): void {
    this.inner?.pause();
  }
  resume(): void {
    this.inner?.resume();
  }
  get opened(): OpenedConnection | undefined {
    if (!this.claimed) {
      this.claimed = true;
      this.facts = claimOpened(this.call);
    }
    return this.facts;
  }
  get failedIn(): ConnectPhase | undefined {
    return openingFailure(this.call)?.phase;
  }
}

/** An `UpstreamClient` (upstream.ts) through an HTTP(S) proxy. */
export class TunnelledUpstream {
  private readonly agent: ProxyAgent;
  constructor(options: ProxyAgent.Options, onConnected?: () => void) {
    this.agent = tunnelAgent(options, { opened: onConnected });
  }

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const call: TunnelledCall = {};
    let ctl: TunnelledController | undefined;
    const wrap = (c: Dispatcher.DispatchController | undefined) => (ctl ??= new TunnelledController(c, call));
    // undici starts a call only once its connection is open: one that failed to open ends in an
    // error alone, whose controller then tells the phase
    return this.agent.dispatch(markCall(opts, call), {
      ...handler,
      onRequestStart: (c, context) => handler.onRequestStart?.(wrap(c), context),
      onResponseError: (c, err) => handler.onResponseError?.(wrap(c), err),
    });
  }

  destroy(): Promise<void> {
    return this.agent.destroy();
  }
}
