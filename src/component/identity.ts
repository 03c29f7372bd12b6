// SPDX-License-Identifier: Apache-2.0
// One identity per component instance, used by the graph and by components themselves when
// they report status, so a component's state lives under one key that reload can forget.
import type { Kind } from '../model/component-kind.js';

export interface ComponentIdentity {
  kind: Kind;
  /** `type` or `type/name`. */
  id: string;
  /** Processors are created per pipeline; receivers and exporters are shared. */
  pipeline?: string;
}

/** `receiver:probe/x`, `processor:contract/validate`. */
export function componentKey(c: ComponentIdentity): string {
  return c.pipeline ? `${c.kind}:${c.pipeline}/${c.id}` : `${c.kind}:${c.id}`;
}
