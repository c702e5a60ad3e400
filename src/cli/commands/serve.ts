/** `accelscope serve`: a request stream on one device (or disaggregated prefill/decode pools). */
import type { Argv } from 'yargs';
import { stackRunOptions } from '../stack-args.ts';
import type { Io } from '../io.ts';
import { loadArch, loadModel, loadQuant } from '../../config/load.ts';
import { DEFAULT_QUANT } from '../../quant/scheme.ts';
import { AccelscopeError, inArchFile } from '../../util/errors.ts';
import { formatBytes, formatSeconds, GiB } from '../../util/units.ts';
import { formatNumber, formatPercent, formatQuantity } from '../../util/format.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { assertOutputNotInput } from '../../util/output-path.ts';
import { parseRequestSpec } from '../../serve/requests.ts';
import { runServe } from '../../serve/run-serve.ts';
import { linkBandwidth } from '../../serve/links.ts';
import { parseSlo } from '../../serve/slo.ts';
import type { SchedulerConfig } from '../../serve/scheduler.ts';
import type { DisaggConfig } from '../../serve/simulate.ts';
import type { ServeReport } from '../../serve/report-data.ts';
import { downsample, type Dist } from '../../serve/metrics.ts';
import { renderServeReport } from '../../report/serve-report.ts';
import { planFromArgs, systemFlags, wantsSystem, type SystemArgs } from '../system-args.ts';
import { loadSystem } from '../../system/load.ts';
import type { Router } from '../../serve/simulate.ts';

export interface ServeArgs extends SystemArgs {
  arch?: string;
  router: string;
  model?: string;
  quant: string;
  requests?: string;
  scheduler: string;
  'max-running': number;
  'max-batched-tokens'?: number;
  'chunked-prefill': boolean;
  priority?: string;
  'block-size': number;
  preemption: string;
  'swap-space': number;
  'swap-link': string;
  'prefix-caching': boolean;
  watermark: number;
  'memory-utilization': number;
  'kv-blocks'?: number;
  disagg?: string;
  'kv-link'?: string;
  slo?: string;
  'max-rate': boolean;
  'slo-attainment': number;
  'knots-per-octave': number;
  threads?: number;
  stack?: string;
  json: boolean;
  jsonl?: string;
  html?: string;
}

const posInt = (v: unknown, flag: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new AccelscopeError('bad-flag', `${flag} must be a positive integer (got ${String(v)})`);
  return v;
};

export function schedulerFromArgs(a: ServeArgs): SchedulerConfig {
  if (!['static', 'continuous'].includes(a.scheduler)) throw new AccelscopeError('bad-flag', `--scheduler must be static or continuous (got '${a.scheduler}')`);
  const priority = a.priority ?? (a['chunked-prefill'] ? 'decode-first' : 'prefill-first');
  if (!['prefill-first', 'decode-first'].includes(priority))
    throw new AccelscopeError('bad-flag', `--priority must be prefill-first or decode-first (got '${priority}')`);
  if (!['recompute', 'swap'].includes(a.preemption)) throw new AccelscopeError('bad-flag', `--preemption must be recompute or swap (got '${a.preemption}')`);
  if (!(a.watermark >= 0 && a.watermark < 1)) throw new AccelscopeError('bad-flag', `--watermark must be in [0, 1) (got ${a.watermark})`);
  if (!(a['swap-space'] >= 0)) throw new AccelscopeError('bad-flag', `--swap-space must be ≥ 0 GiB (got ${a['swap-space']})`);
  if (a.scheduler === 'static' && (a['chunked-prefill'] || a['prefix-caching'] || a.priority !== undefined)) {
    throw new AccelscopeError('bad-flag', '--chunked-prefill, --prefix-caching and --priority go with --scheduler continuous');
  }
  const blockTokens = posInt(a['block-size'], '--block-size');
  return {
    policy: a.scheduler as SchedulerConfig['policy'],
    maxRunning: posInt(a['max-running'], '--max-running'),
    // vLLM: 2048 tokens per step with chunked prefill; without, a whole prompt must fit a step.
    maxBatchedTokens: posInt(a['max-batched-tokens'] ?? (a['chunked-prefill'] ? 2048 : 8192), '--max-batched-tokens'),
    chunkedPrefill: a['chunked-prefill'],
    priority: priority as SchedulerConfig['priority'],
    blockTokens,
    preemption: a.preemption as SchedulerConfig['preemption'],
    prefixCaching: a['prefix-caching'],
    swapBlocks: 0, // set once the KV bytes per block are known
    watermark: a.watermark,
  };
}

export const serveCommand = {
  command: 'serve',
  describe: 'simulate serving a stream of requests (continuous batching, paged KV cache, SLO goodput) on an arch',
  builder: (y: Argv) =>
    systemFlags(y)
      .option('arch', { type: 'string', describe: "arch config JSON (arch-configs/…); with --system, replaces the system's device" })
      .option('router', {
        type: 'string',
        default: 'least-loaded',
        describe: 'how arrivals pick a --dp replica or --disagg prefill device: least-loaded | round-robin',
      })
      .option('model', { type: 'string', describe: 'Hugging Face config.json of the model' })
      .option('quant', { type: 'string', default: DEFAULT_QUANT, describe: 'quant scheme or a JSON file' })
      .option('requests', {
        type: 'string',
        describe: 'request source: poisson:rate=R,n=N,prompt=DIST,output=DIST | gamma:…,cv=C | trace:FILE (docs/cli.md#serve)',
      })
      .option('scheduler', { type: 'string', default: 'continuous', describe: 'static | continuous (iteration-level) batching' })
      .option('max-running', { type: 'number', default: 256, describe: 'most sequences in a step (vLLM max_num_seqs)' })
      .option('max-batched-tokens', {
        type: 'number',
        describe: 'most tokens in a step (vLLM max_num_batched_tokens; default 8192, 2048 with --chunked-prefill)',
      })
      .option('chunked-prefill', { type: 'boolean', default: false, describe: 'split prompts into chunks that fill the step budget' })
      .option('priority', { type: 'string', describe: 'prefill-first | decode-first (default: prefill-first; decode-first with --chunked-prefill)' })
      .option('block-size', { type: 'number', default: 16, describe: 'KV-cache block size, tokens' })
      .option('preemption', { type: 'string', default: 'recompute', describe: 'recompute | swap, when the KV blocks run out' })
      .option('swap-space', { type: 'number', default: 4, describe: 'host swap space for --preemption swap, GiB (vLLM default 4)' })
      .option('swap-link', { type: 'string', default: 'pcie5-x16', describe: 'device↔host link for swapping (name or GB/s)' })
      .option('prefix-caching', { type: 'boolean', default: false, describe: 'reuse resident KV blocks of shared prompt prefixes' })
      .option('watermark', { type: 'number', default: 0.01, describe: 'fraction of KV blocks kept free when admitting a prompt (vLLM 0.01)' })
      .option('memory-utilization', { type: 'number', default: 0.9, describe: 'fraction of device memory the server uses (vLLM gpu_memory_utilization)' })
      .option('kv-blocks', { type: 'number', describe: 'KV blocks per device (default: from memory − weights − activations)' })
      .option('disagg', {
        type: 'string',
        describe: 'P:D — disaggregated serving on P prefill and D decode devices of this arch (with --system: replicas of tp × pp devices)',
      })
      .option('kv-link', {
        type: 'string',
        describe: 'prefill→decode KV link for --disagg on one arch (name or GB/s; default nvlink4); --system uses its interconnect',
      })
      .option('slo', { type: 'string', describe: 'service-level objectives, e.g. ttft=1s,tpot=50ms[,e2e=20s]' })
      .option('max-rate', { type: 'boolean', default: false, describe: 'search the highest arrival rate that meets --slo for --slo-attainment of requests' })
      .option('slo-attainment', { type: 'number', default: 0.9, describe: 'fraction of requests that must meet the SLO for --max-rate' })
      .option('knots-per-octave', { type: 'number', default: 16, describe: 'step-cost interpolation knots per octave of each size (0 = exact, slow)' })
      .option('threads', { type: 'number', describe: 'CPU threads (T-MAC-style CPU models)' })
      .option('stack', {
        type: 'string',
        describe: 'software stack the steps run under (vllm, pytorch-cudagraph, tensorrt-llm …; docs/models/software-stacks.md); default none',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' })
      .option('jsonl', { type: 'string', describe: 'write one JSON line per request to this file' })
      .option('html', { type: 'string', describe: 'write an HTML report (latency CDFs, timelines) to this file' }),
  handler: (a: ServeArgs, io: Io): number => {
    const onSystem = wantsSystem(a);
    const plan = onSystem ? planFromArgs(a) : undefined;
    if (!onSystem && !a.arch) throw new AccelscopeError('bad-flag', 'missing --arch (an arch config JSON) or --system (a multi-device system)');
    if (!['least-loaded', 'round-robin'].includes(a.router))
      throw new AccelscopeError('bad-flag', `--router must be least-loaded or round-robin (got '${a.router}')`);
    if (onSystem && a['kv-link'] !== undefined)
      throw new AccelscopeError('bad-flag', "--kv-link goes with --arch: on a --system the KV cache moves over the system's interconnect");
    if (!a.model) throw new AccelscopeError('bad-flag', 'missing --model (a HF config.json)');
    if (!a.requests) throw new AccelscopeError('bad-flag', 'missing --requests (e.g. poisson:rate=10,n=1000,prompt=lognormal(512,0.8),output=fixed(128))');
    const scheduler = schedulerFromArgs(a);
    const slo = a.slo !== undefined ? parseSlo(a.slo) : {};
    if (a['max-rate'] && !(a['slo-attainment'] > 0 && a['slo-attainment'] <= 1))
      throw new AccelscopeError('bad-flag', `--slo-attainment must be in (0, 1] (got ${a['slo-attainment']})`);
    let disagg: DisaggConfig | undefined;
    if (a.disagg !== undefined) {
      const m = /^(\d+):(\d+)$/.exec(a.disagg);
      if (!m || +m[1]! < 1 || +m[2]! < 1) throw new AccelscopeError('bad-flag', `--disagg must be P:D with P, D ≥ 1 (got '${a.disagg}')`);
      const link = a['kv-link'] ?? 'nvlink4';
      disagg = {
        prefillDevices: +m[1]!,
        decodeDevices: +m[2]!,
        linkBytesPerSecond: onSystem ? 0 : linkBandwidth(link, '--kv-link'),
        link: onSystem ? 'system interconnect' : link,
      };
      if (plan && plan.dp > 1)
        throw new AccelscopeError(
          'bad-flag',
          '--dp and --disagg: the prefill and decode pools are the replicas (give --disagg P:D and the per-replica --tp/--pp)',
        );
    }
    if (a['kv-blocks'] !== undefined) posInt(a['kv-blocks'], '--kv-blocks');
    if (a.threads !== undefined) posInt(a.threads, '--threads');
    for (const [flag, out] of [
      ['--jsonl', a.jsonl],
      ['--html', a.html],
    ] as const)
      if (out !== undefined)
        assertOutputNotInput(
          out,
          [a.arch, a.model, a.quant, a.system].filter((x): x is string => x !== undefined),
          flag,
        );
    const requests = parseRequestSpec(a.requests);
    const loaded = onSystem ? loadSystem(a.system!) : undefined;
    const system = loaded && a.arch ? { ...loaded, arch: loadArch(a.arch), archFile: a.arch } : loaded;
    if (system && a.threads !== undefined) throw new AccelscopeError('bad-flag', '--threads applies to single-device CPU models, not to --system');
    const arch = system ? system.arch : loadArch(a.arch!);
    const archFile = system ? system.archFile : a.arch!;
    const spec = loadModel(a.model);
    const quant = loadQuant(a.quant);
    const swapBytesPerSecond = linkBandwidth(a['swap-link'], '--swap-link');
    const { report, run } = inArchFile(archFile, () => {
      const setup = {
        spec,
        arch,
        quant,
        archFile,
        requests,
        requestsText: a.requests!,
        scheduler,
        slo,
        swapBytesPerSecond,
        memoryUtilization: a['memory-utilization'],
        knotsPerOctave: a['knots-per-octave'],
        router: a.router as Router,
        ...(system && plan ? { system: { system, plan } } : {}),
        ...(disagg ? { disagg } : {}),
        ...(a['kv-blocks'] !== undefined ? { kvBlocks: a['kv-blocks'] } : {}),
        ...(a.threads !== undefined ? { threads: a.threads } : {}),
        ...stackRunOptions(a.stack, arch),
      };
      // Swap space in blocks needs the KV bytes per token: the step-cost model knows them.
      return runServe(setup, a['max-rate'] ? { maxRate: { target: a['slo-attainment'] } } : {}, (bytesPerToken) =>
        Math.floor((a['swap-space'] * GiB) / (scheduler.blockTokens * bytesPerToken)),
      );
    });
    const out: ServeReport = { ...report, timeline: downsample(report.timeline, 4000) };
    if (a.jsonl) {
      writeFileAtomic(a.jsonl, run.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      io.err(`wrote ${a.jsonl} (${run.records.length} requests)\n`);
    }
    if (a.html) {
      const html = renderServeReport(out, run.records);
      writeFileAtomic(a.html, html);
      io.err(`wrote ${a.html} (${formatBytes(Buffer.byteLength(html))}, serve report)\n`);
    }
    io.out(a.json ? JSON.stringify(out, null, 2) + '\n' : renderServe(out));
    return 0;
  },
};

const dist = (d: Dist) =>
  `${formatSeconds(d.p50).padStart(9)} ${formatSeconds(d.p90).padStart(9)} ${formatSeconds(d.p99).padStart(9)} ${formatSeconds(d.mean).padStart(9)}`;

export function renderServe(r: ServeReport): string {
  const s = r.summary;
  const sc = r.scheduler;
  let t = `${r.model} · ${r.quant}${r.stack ? ` · stack ${r.stack.name} (${r.stack.launch})` : ''} · serving on ${r.arch} [${r.archKind}]${r.disagg ? ` · disaggregated ${r.disagg.prefillDevices} prefill : ${r.disagg.decodeDevices} decode devices over ${r.disagg.link}` : ''}\n`;
  if (r.system)
    t += `system    ${r.system.name}: ${r.system.replicas} replica(s) × ${r.system.devicesPerReplica} device(s) (${r.system.plan}) of ${r.system.devices}; requests routed ${r.system.router}\n`;
  t += `requests  ${r.requestsSpec}\n`;
  t += `scheduler ${sc.policy}${sc.policy === 'continuous' ? ` · ${sc.priority}${sc.chunkedPrefill ? ' · chunked prefill' : ''}${sc.prefixCaching ? ' · prefix caching' : ''} · preempt by ${sc.preemption}` : ''} · max ${sc.maxRunning} seqs, ${sc.maxBatchedTokens} tokens per step\n`;
  t += `KV cache  ${r.kv.blocksPerDevice} blocks × ${r.kv.blockTokens} tokens per device (${formatBytes(r.kv.bytesPerToken)} per token; ${formatBytes(r.kv.usableBytes)} usable − weights ${formatBytes(r.kv.weightsBytes)} − activations ${formatBytes(r.kv.activationBytes)})\n\n`;
  if (r.maxRate)
    t += `max rate  ${formatQuantity(r.maxRate.rate, 'req/s')} keeps ${formatPercent(r.maxRate.attainment)} of requests within the SLO (target ${formatPercent(r.maxRate.target, 0)}; ${r.maxRate.tried.length} rates tried)\n\n`;
  t += `                  p50       p90       p99      mean\n`;
  t += `TTFT        ${dist(s.ttftS)}\n`;
  t += `TPOT        ${dist(s.tpotS)}\n`;
  t += `end-to-end  ${dist(s.e2eS)}\n`;
  t += `queueing    ${dist(s.queueS)}\n\n`;
  t += `requests      ${s.requests} in ${formatSeconds(s.makespanS)} (offered ${formatQuantity(s.offeredRate, 'req/s')})\n`;
  t += `throughput    ${formatQuantity(s.requestsPerSecond, 'req/s')} · ${formatQuantity(s.outputTokensPerSecond, 'output tokens/s')} · ${formatQuantity(s.inputTokensPerSecond, 'prompt tokens/s')}\n`;
  const slo = Object.entries(s.slo)
    .map(([k, v]) => `${k.replace(/S$/, '')} ≤ ${formatSeconds(v as number)}`)
    .join(', ');
  t += `goodput       ${slo ? `${formatQuantity(s.goodputRps, 'req/s')} meet ${slo} (${formatPercent(s.sloAttainment)})` : 'no --slo given'}\n`;
  t += `energy        ${formatQuantity(s.energyPerRequestJ, 'J')} per request · ${formatQuantity(s.energyPerOutputTokenJ, 'J')} per output token (steps only)\n`;
  t += `batch         mean ${formatNumber(s.batch.mean)} · max ${s.batch.max} sequences over ${s.steps} steps\n`;
  t += `KV cache use  mean ${formatPercent(s.kvUse.mean)} · max ${formatPercent(s.kvUse.max)}\n`;
  if (r.saturation) {
    const z = r.saturation;
    t += `saturation    ${formatQuantity(z.requestsPerSecond, 'req/s')} · ${formatQuantity(z.outputTokensPerSecond, 'output tokens/s')}: step model in waves of ${z.batch} (${z.limit}) at the mean lengths ${z.promptTokens} + ${z.outputTokens}\n`;
  }
  t += `preemptions   ${s.preemptions}${sc.prefixCaching ? ` · ${s.cachedPromptTokens} prompt tokens from the prefix cache` : ''}\n`;
  t += `Little's law  L = ${formatNumber(s.little.L)} requests in system, λ·W = ${formatNumber(s.little.lambda * s.little.W)}\n`;
  t += `step model    ${Object.entries(r.stepModel.evaluations)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')} evaluations; ${r.stepModel.knotsPerOctave ? `${r.stepModel.knotsPerOctave} knots per octave (interpolated)` : 'exact'}\n`;
  if (r.calibration.length) {
    t += `calibration\n`;
    for (const c of r.calibration) t += `  ${c.name} = ${c.value} (${c.source})\n`;
  }
  return t;
}
