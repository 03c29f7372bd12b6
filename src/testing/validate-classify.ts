// SPDX-License-Identifier: Apache-2.0
// Test double: a record judged by the real validate and classify processors with their default
// config, as a pipeline would leave it. Fresh processors (and data folders) per call, so no
// known-shape memory carries from one record to the next.
import { consumerFromFn } from '../component/consumer.js';
import type { CallRecord } from '../model/call-record.js';
import { ClassifyProcessor } from '../processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../processors/classify/index.js';
import { ValidateProcessor } from '../processors/validate/validate-processor.js';
import { validateProcessorFactory } from '../processors/validate/index.js';
import { testSettings } from './nop-host.js';

const noop = consumerFromFn(async () => {});

/** Runs validate then classify on `r` in place (shapes not persisted) and returns it. */
export function validateAndClassify(r: CallRecord): CallRecord {
  const vc = validateProcessorFactory.createDefaultConfig();
  new ValidateProcessor(
    testSettings('processor', 'validate'),
    { ...vc, shapes: { ...vc.shapes, persist: false } },
    noop,
  ).process([r]);
  new ClassifyProcessor(
    testSettings('processor', 'classify'),
    classifyProcessorFactory.createDefaultConfig(),
    noop,
  ).process([r]);
  return r;
}
