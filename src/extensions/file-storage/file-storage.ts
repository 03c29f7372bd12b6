// SPDX-License-Identifier: Apache-2.0
// file_storage: a directory other components keep state in, named by `storage: file_storage[/x]`
// (the Collector's spelling for persistent sending queues). Each client gets its own
// sub-directory, `<kind>_<id>`, created when first asked for.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import { DriftwatchError } from '../../component/errors.js';
import type { StorageExtension } from '../../component/storage.js';
import type { FileStorageConfig } from './config.js';

export class FileStorageExtension implements StorageExtension {
  readonly directory: string;

  constructor(settings: CreateSettings, config: FileStorageConfig) {
    this.directory = config.directory || settings.dataDir;
  }

  /** The client's own directory under this storage (`exporter_otlp_http_backend`), created on demand. */
  directoryFor(kind: string, id: string): string {
    const dir = join(this.directory, `${kind}_${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new DriftwatchError(
        'DW_ERR_COMPONENT_START',
        `file_storage: cannot create ${dir}: ${e.code ?? e.message}`,
        {
          cause: err,
        },
      );
    }
    return dir;
  }

  async start(_host: Host): Promise<void> {
    this.directoryFor('extension', 'check'); // a directory we cannot write is a start error, not a later loss
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {}
}
