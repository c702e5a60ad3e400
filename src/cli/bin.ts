/** Entry of the compiled CLI (dist/accelscope.mjs, built by scripts/build.ts): run main, exit with its code. */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
