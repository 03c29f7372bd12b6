// SPDX-License-Identifier: Apache-2.0
// The real CLI with the test doubles registered (ticker receiver, sink exporter), for
// child-process tests of signals and reload.
import { main } from '../../src/cli/main.js';
import { testRegistry } from '../../src/testing/test-registry.js';

main(process.argv.slice(2), { registry: testRegistry().registry }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(String(err) + '\n');
    process.exit(1);
  },
);
