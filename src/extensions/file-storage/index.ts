// SPDX-License-Identifier: Apache-2.0
import type { ExtensionFactory } from '../../component/factory.js';
import { lazyImplementation } from '../../component/lazy-implementation.js';
import { defaultsFromSchema } from '../../config/component-schema.js';
import { fileStorageSchema } from './config.js';
import type { FileStorageConfig } from './config.js';

// The implementation (and what it imports) loads when a pipeline builds this component.
const implementation = lazyImplementation('file_storage', () => import('./file-storage.js'));

export const fileStorageFactory: ExtensionFactory<FileStorageConfig> = {
  type: 'file_storage',
  kind: 'extension',
  stability: 'alpha',
  description: 'A directory for persistent state, named by `sending_queue.storage: file_storage[/name]`.',
  configSchema: fileStorageSchema,
  createDefaultConfig: () => defaultsFromSchema<FileStorageConfig>(fileStorageSchema),
  load: implementation.load,
  create: (settings, config) => new (implementation.get().FileStorageExtension)(settings, config),
};
