/** `accelscope sweep spec.json --out results.jsonl [--workers N] [--resume] [--shard i/N]`. */
import type { Argv } from 'yargs';
import { availableParallelism } from 'node:os';
import type { Io } from '../io.ts';
import { loadSweepSpec } from '../../sweep/spec.ts';
import { parseShard, runSweep } from '../../sweep/run-sweep.ts';
import { PointSpace } from '../../sweep/points.ts';
import { assertResultsPath } from '../../sweep/results-file.ts';
import { formatNumber, formatPercent, formatSeconds } from '../../util/format.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { partialPath } from '../../sweep/results-file.ts';
import { WORKER_HEAP_MIB } from '../../sweep/worker-limits.ts';

interface SweepArgs {
  spec: string;
  out: string;
  workers?: number;
  resume: boolean;
  shard?: string;
  'worker-heap'?: number;
}

export const sweepCommand = {
  command: 'sweep <spec>',
  describe: 'run a design-space sweep in parallel workers, streaming JSON lines',
  builder: (y: Argv) =>
    y
      .positional('spec', { type: 'string', describe: 'sweep spec JSON (docs/sweeps.md)' })
      .option('out', { type: 'string', demandOption: true, describe: 'results file (JSON lines); streamed to <out>.partial, renamed when done' })
      .option('workers', { type: 'number', describe: 'worker threads (default: available cores)' })
      .option('resume', { type: 'boolean', default: false, describe: 'finish an interrupted sweep: every point exactly once' })
      .option('shard', { type: 'string', describe: 'i/N: run the points with index ≡ i (mod N)' })
      .option('worker-heap', { type: 'number', describe: `heap limit of each worker thread, MiB (default ${WORKER_HEAP_MIB})` }),
  handler: async (a: SweepArgs, io: Io): Promise<number> => {
    assertOutputNotInput(a.out, [a.spec], '--out', [partialPath(a.out)]);
    const spec = loadSweepSpec(a.spec);
    const inputs = [spec.arch, ...(spec.archs ?? []), ...(spec.system ? [spec.system] : []), ...(spec.systems ?? []), ...(spec.stacks ?? [])];
    assertOutputNotInput(a.out, [...inputs, ...spec.workloads.map((w) => w.model), ...spec.quant.filter((q) => q.endsWith('.json'))], '--out', [
      partialPath(a.out),
    ]);
    const shard = a.shard ? parseShard(a.shard) : undefined;
    const workers = a.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new AccelscopeError('bad-flag', `--workers must be a positive integer (got ${workers})`);
    assertResultsPath(a.out);
    // Ctrl-C / SIGTERM: one line, the pool's threads terminated at once, the partial file left resumable.
    const abort = new AbortController();
    let signal: NodeJS.Signals | undefined;
    const onSig = (s: NodeJS.Signals) => {
      if (signal) return;
      signal = s;
      abort.abort();
    };
    process.on('SIGINT', onSig);
    process.on('SIGTERM', onSig);
    const t0 = Date.now();
    let lastPrint = 0;
    const space = new PointSpace(spec);
    io.err(
      `sweep ${spec.name}: ${space.size} points in the space${designDimensions(space)}, strategy ${spec.strategy.kind}, ${workers} worker(s)${shard ? `, shard ${shard.index}/${shard.count}` : ''}\n`,
    );
    const summary = await runSweep(spec, {
      out: a.out,
      workers,
      resume: a.resume,
      shard,
      workerHeapMiB: a['worker-heap'],
      signal: abort.signal,
      onProgress: ({ done, total, skipped }) => {
        const now = Date.now();
        const elapsed = (now - t0) / 1000;
        const rate = (done - skipped) / Math.max(elapsed, 1e-3);
        const eta = rate > 0 ? (total - done) / rate : Infinity;
        const frac = total ? done / total : 1;
        if (io.isTty) {
          const w = 30;
          const bar = '#'.repeat(Math.round(frac * w)).padEnd(w, '.');
          io.err(`\r[${bar}] ${done}/${total} ${formatPercent(frac)}  ${formatNumber(rate)} pt/s  ETA ${formatSeconds(eta)}   `);
        } else if (now - lastPrint > 2000 || done === total) {
          lastPrint = now;
          io.err(`progress: ${done}/${total} points (${formatPercent(frac)}), ${formatNumber(rate)} points/s, ETA ${formatSeconds(eta)}\n`);
        }
      },
    });
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    if (io.isTty) io.err('\n');
    const secs = (Date.now() - t0) / 1000;
    if (!summary.finished) {
      io.err(
        `interrupted${signal ? ` by ${signal}` : ''}: ${summary.evaluated + summary.skipped} of ${summary.total} points in ${a.out}.partial; rerun with --resume to finish\n`,
      );
      return signal === 'SIGTERM' ? 143 : 130;
    }
    io.err(
      `done: ${summary.evaluated} points evaluated${summary.skipped ? `, ${summary.skipped} resumed` : ''}${summary.truncatedBytes ? `, a truncated last line (${summary.truncatedBytes} B) redone` : ''}, ${summary.infeasible} infeasible, in ${formatSeconds(secs)} → ${a.out}\n`,
    );
    return 0;
  },
};

/** The design dimensions a sweep compares (arch, system, stack lists), for its first line: ` over 2 systems (dgx-h100, hgx-h200)`. */
function designDimensions(space: PointSpace): string {
  const dims = space.dims.filter((d) => ['arch', 'system', 'stack'].includes(d.name) && d.values.length > 1);
  return dims.length ? ` over ${dims.map((d) => `${d.values.length} ${d.name}s (${d.values.join(', ')})`).join(' × ')}` : '';
}
