// SPDX-License-Identifier: Apache-2.0
// Runs the CLI from source in a child process (`node --import tsx test/helpers/run-cli.ts run …`),
// so process-level tests (restarts, kill -9) need no build step.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
