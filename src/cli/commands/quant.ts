/** `accelscope quant`: compare quantization formats on one or more simulated archs. */
import type { Argv } from 'yargs';
import { stackRunOptions } from '../stack-args.ts';
import type { Io } from '../io.ts';
import { loadArch, loadModel, loadQuant } from '../../config/load.ts';
import { compareQuant, type QuantComparison } from '../../compare/quant-compare.ts';
import { phaseOf } from '../workload-args.ts';
import { AccelscopeError } from '../../util/errors.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatNumber, formatQuantity, formatSeconds } from '../../util/format.ts';
import { errorProxy } from '../../numeric/error-proxy.ts';
import { renderQuantReport } from '../../report/quant-report.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { systemFlags, wantsSystem, planFromArgs, type SystemArgs } from '../system-args.ts';
import { loadSystem } from '../../system/load.ts';
import { compareQuantOnSystem } from '../../compare/quant-system.ts';

export const DEFAULT_FORMATS = 'w16a16,w8a8,fp8,w4a16-g128,mxfp4,nvfp4,fp6,w2a16-g64,w1.58a8';

interface QuantArgs extends SystemArgs {
  model: string;
  /** Required unless --system is given (then the system's rows come after the arches'). */
  arch?: string[];
  phase?: string;
  batch: number;
  seq?: number;
  context?: number;
  formats: string;
  json: boolean;
  html?: string;
  threads?: number;
  stack?: string;
}

export const quantCommand = {
  command: 'quant',
  describe: 'compare quantization formats on simulated hardware (latency, energy, memory, error proxy)',
  builder: (y: Argv) =>
    systemFlags(y)
      .option('model', { type: 'string', demandOption: true, describe: 'HF config.json of the model' })
      .option('arch', { type: 'string', array: true, describe: 'arch config; repeat for several (or --system with a plan)' })
      .option('phase', { type: 'string', describe: 'prefill | decode (default: decode)' })
      .option('batch', { type: 'number', default: 1, describe: 'sequences in the batch' })
      .option('seq', { type: 'number', describe: 'prefill: prompt tokens' })
      .option('context', { type: 'number', describe: 'decode: tokens in the KV cache' })
      .option('formats', { type: 'string', default: DEFAULT_FORMATS, describe: 'comma-separated quant schemes' })
      .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' })
      .option('html', { type: 'string', describe: 'also write an HTML report to this file' })
      .option('threads', { type: 'number', describe: 'CPU threads for CPU-based models' })
      .option('stack', {
        type: 'string',
        describe: 'software stack every format runs under (pytorch, vllm, tinychat …; docs/models/software-stacks.md); default none',
      }),
  handler: (a: QuantArgs, io: Io): number => {
    const phase = phaseOf(a.phase) as 'prefill' | 'decode';
    if (phase === 'prefill' && a.seq === undefined) throw new AccelscopeError('bad-flag', 'prefill needs --seq');
    if (phase === 'decode' && a.context === undefined) throw new AccelscopeError('bad-flag', 'decode needs --context');
    if (phase === 'prefill' && a.context !== undefined) throw new AccelscopeError('bad-flag', 'prefill takes --seq, not --context');
    if (phase === 'decode' && a.seq !== undefined) throw new AccelscopeError('bad-flag', 'decode takes --context, not --seq');
    if (a.threads !== undefined && (!Number.isInteger(a.threads) || a.threads < 1)) {
      throw new AccelscopeError('bad-flag', `--threads must be a positive integer (got ${a.threads})`);
    }
    const names = a.formats
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0) throw new AccelscopeError('bad-flag', '--formats is empty');
    const schemes = names.map((n) => loadQuant(n));
    const onSystem = wantsSystem(a);
    if (!a.arch?.length && !onSystem) throw new AccelscopeError('bad-flag', 'missing --arch (an arch config, repeatable) or --system (a multi-device system)');
    const plan = onSystem ? planFromArgs(a) : undefined;
    const spec = loadModel(a.model);
    const proxy = (q: Parameters<typeof errorProxy>[0]) => {
      const e = errorProxy(q);
      return { sqnrDb: e.sqnrDb, relError: e.relFrobeniusError };
    };
    const archs = (a.arch ?? []).map((file) => ({ file, config: loadArch(file) }));
    const system = plan ? loadSystem(a.system!) : undefined;
    // The stack must run on every arch and on the system's device (a one-line error naming the stack file otherwise).
    const stack = [...archs.map(({ config }) => config), ...(system ? [system.arch] : [])].map((config) => stackRunOptions(a.stack, config).stack)[0];
    const cmp = compareQuant(
      {
        spec,
        archs,
        schemes,
        phase,
        batch: a.batch,
        seq: a.seq,
        context: a.context,
        threads: a.threads,
        ...(stack ? { stack } : {}),
      },
      proxy,
    );
    if (plan)
      cmp.rows.push(
        ...compareQuantOnSystem(
          { spec, system: system!, plan, schemes, phase, batch: a.batch, seq: a.seq, context: a.context, ...(stack ? { stack } : {}) },
          proxy,
        ),
      );
    if (a.html) writeFileAtomic(a.html, renderQuantReport(cmp));
    io.out(a.json ? JSON.stringify(cmp, null, 2) + '\n' : renderComparison(cmp));
    return 0;
  },
};

export function renderComparison(c: QuantComparison): string {
  let s = `${c.model} · ${c.phase} · batch ${c.batch} · ${c.phase === 'prefill' ? `seq ${c.seq}` : `context ${c.context}`}${c.stack ? ` · stack ${c.stack}` : ''}\n\n`;
  s += renderTable(
    ['format', 'arch', 'bits/w', 'weights+KV', 'fits', 'latency', 'tokens/s', 'energy/token', 'bound', 'GEMMs at', 'SQNR dB', 'rel err', 'note'],
    c.rows.map((r) => [
      r.format,
      r.archName,
      formatNumber(r.bitsPerWeight, 4),
      formatBytes(r.weightBytes + r.kvBytes),
      r.fits ? 'yes' : 'NO',
      r.supported ? formatSeconds(r.latencySeconds!) : '–',
      r.supported ? formatQuantity(r.tokensPerSecond!) : '–',
      r.supported ? formatQuantity(r.energyPerTokenJ!, 'J') : '–',
      r.supported ? r.bound! : '–',
      r.ranAt ?? '–',
      Number.isFinite(r.sqnrDb) ? formatNumber(r.sqnrDb) : '∞',
      formatNumber(r.relError),
      !r.supported ? `unsupported: ${r.reason}` : '',
    ]),
    [0, 1, 8, 9, 12],
  );
  return s;
}
