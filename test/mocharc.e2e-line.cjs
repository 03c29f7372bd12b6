// SPDX-License-Identifier: Apache-2.0
// `mocha --config test/mocharc.e2e-line.cjs`: the project's mocha settings and the suites of test/suites.cjs.
const base = require('../.mocharc.json');
const { LINE_E2E } = require('./suites.cjs');

module.exports = { ...base, spec: LINE_E2E };
