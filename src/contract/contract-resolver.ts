// SPDX-License-Identifier: Apache-2.0
// The contract a record is judged by: the one its receiver named (`target.contract`), else the
// configured default. Named contracts are loaded once and cached (no file-system call per record);
// one that cannot be loaded is remembered as bad, reported once through `onUnloadable`, and
// replaced by the default.
import type { CallRecord } from '../model/call-record.js';
import type { Contract } from './contract.js';
import { loadContract } from './load.js';

export class ContractResolver {
  readonly defaultContract: Contract;
  private readonly named = new Map<string, Contract>();
  private readonly bad = new Set<string>();

  constructor(
    private readonly defaultPath: string,
    private readonly onUnloadable: (path: string, err: Error) => void = () => {},
  ) {
    this.defaultContract = loadContract(defaultPath);
  }

  for(r: CallRecord): Contract {
    const p = r.target?.contract;
    if (!p || p === this.defaultPath || this.bad.has(p)) return this.defaultContract;
    const hit = this.named.get(p);
    if (hit) return hit;
    try {
      const c = loadContract(p);
      this.named.set(p, c);
      return c;
    } catch (err) {
      this.bad.add(p);
      this.onUnloadable(p, err as Error);
      return this.defaultContract;
    }
  }
}
