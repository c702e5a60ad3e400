// Preloaded (node --import) into a CLI process by bench/sweep.bench.ts: at exit, writes the
// process's CPU time (all threads: the main thread and every worker) and peak RSS to the file
// named by ACCELSCOPE_BENCH_USAGE.
import { writeFileSync } from 'node:fs';

const file = process.env.ACCELSCOPE_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }));
  });
}
