// SPDX-License-Identifier: Apache-2.0
// Runs the CLI from source in a child process (`node --import tsx test/helpers/run-cli.ts run …`),
// so process-level tests (restarts, kill -9) need no build step. The interval keeps the event
// loop alive like a daemon's sockets would: components unref their timers.
import { main } from '../../src/cli/main.js';

const keepAlive = setInterval(() => {}, 1 << 30);
process.exitCode = await main(process.argv.slice(2));
clearInterval(keepAlive);
