// SPDX-License-Identifier: Apache-2.0
/* global process */
// Prints docs/errors.md from the built error catalog (run by `npm run generate`).
import { renderErrorsDoc } from '../dist/component/errors-doc.js';

process.stdout.write(renderErrorsDoc());
