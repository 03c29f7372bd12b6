// SPDX-License-Identifier: Apache-2.0
import { Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';

export const fileStorageSchema = Settings({
  directory: Type.String({
    default: '',
    description:
      'Directory for the state (e.g. /var/lib/driftwatch/file_storage); empty: under the data directory.',
  }),
});

export type FileStorageConfig = Static<typeof fileStorageSchema>;
