// SPDX-License-Identifier: Apache-2.0
import type { JsonSchema } from '../../component/factory.js';

export interface FileStorageConfig {
  directory: string;
}

export const fileStorageSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    directory: {
      type: 'string',
      default: '',
      description:
        'Directory for the state (e.g. /var/lib/driftwatch/file_storage); empty: under the data directory.',
    },
  },
};
