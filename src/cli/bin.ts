/** Entry of the compiled CLI (dist/accelscope.mjs, built by scripts/build.ts): run main, exit with its code. */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
// Interrupted (SIGINT 130, SIGTERM 143): the results are on disk; do not wait for worker threads to wind down.
if (process.exitCode === 130 || process.exitCode === 143) process.exit();
