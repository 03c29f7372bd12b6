// SPDX-License-Identifier: Apache-2.0
import { Settings, Type } from '../../config/typed-schema.js';
import type { Static } from '../../config/typed-schema.js';
import { contractPathSchema } from '../../contract/config-field.js';

export const validateSchema = Settings({
  /** Contract for records whose receiver names none (`target.contract`). */
  contract: Type.Unsafe<string>(contractPathSchema),
  /** Shape fingerprints and drift events for new shapes. */
  shapes: Settings(
    {
      enabled: Type.Boolean({ default: true }),
      persist: Type.Boolean({ default: true }),
      max_keys: Type.Integer({ minimum: 1, maximum: 4096, default: 256 }),
      max_shapes_per_key: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
    },
    { default: {} },
  ),
  /** Upper bound of findings per record (keeps memory and log lines bounded). */
  max_findings: Type.Integer({ minimum: 1, maximum: 64, default: 16 }),
});

export type ValidateConfig = Static<typeof validateSchema>;
