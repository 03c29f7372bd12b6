// SPDX-License-Identifier: Apache-2.0
// What a storage extension offers the components that name it (`storage: file_storage/x`), so an
// exporter finds its directory through the host without importing the extension.
import type { Component } from './component.js';

export interface StorageExtension extends Component {
  /** The client's own directory (`<kind>_<id>`), created on demand; throws naming it when it cannot be. */
  directoryFor(kind: string, id: string): string;
}

export function isStorageExtension(c: Component | undefined): c is StorageExtension {
  return typeof (c as Partial<StorageExtension> | undefined)?.directoryFor === 'function';
}
