// SPDX-License-Identifier: Apache-2.0
// `mocha --config test/mocharc.e2e.cjs`: the project's mocha settings and the suites of test/suites.cjs.
const base = require('../.mocharc.json');
const { split } = require('./suites.cjs');

module.exports = { ...base, spec: split().e2e };
