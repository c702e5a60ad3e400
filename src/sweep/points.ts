/**
 * The design points of a sweep: the cartesian product of parameter values × quant schemes ×
 * concrete workloads (× archs × systems × stacks when the spec lists them), addressed by index (mixed radix, first parameter fastest) so that a grid
 * is enumerated lazily, sharded by index, and resumed by index without holding the points.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, relative } from 'node:path';
import type { ResolvedSpec, WorkloadSpec } from './spec.ts';
import { archLabel, canonicalJson, systemLabel } from './spec.ts';
import { serveWorkloads } from './serve-point.ts';

export type { ConcreteWorkload } from './concrete-workload.ts';
import type { ConcreteWorkload } from './concrete-workload.ts';

export interface Point {
  /** The base arch (its file name without .json), only in a sweep over several archs. */
  arch?: string;
  /** The multi-device system (its file name without .json), only in a sweep over several systems. */
  system?: string;
  /** The software stack (its name), only in a sweep whose spec names stacks. */
  stack?: string;
  params: Record<string, number | string | boolean>;
  quant: string;
  workload: ConcreteWorkload;
}

import { MAX_PARAMETER_VALUES, parameterValueCount, parameterValues } from './parameter-values.ts';
export { MAX_PARAMETER_VALUES, parameterValueCount, parameterValues };

/**
 * The name each model file goes by in points: its base name without `.json`, unless two
 * different files share it (every Hugging Face download is `config.json`); then each of those
 * goes by its path relative to their common folder. A model is identified by its resolved path.
 */
export function modelKeys(files: string[]): Map<string, string> {
  const unique = [...new Set(files)];
  const stem = (f: string) => basename(f).replace(/\.json$/, '');
  const byStem = new Map<string, string[]>();
  for (const f of unique) byStem.set(stem(f), [...(byStem.get(stem(f)) ?? []), f]);
  const keys = new Map<string, string>();
  for (const [name, group] of byStem) {
    if (group.length === 1) {
      keys.set(group[0]!, name);
      continue;
    }
    let common = dirname(group[0]!);
    while (!group.every((f) => !relative(common, f).startsWith('..'))) common = dirname(common);
    for (const f of group) keys.set(f, relative(common, f).replace(/\.json$/, ''));
  }
  return keys;
}

export function concreteWorkloads(ws: WorkloadSpec[]): ConcreteWorkload[] {
  const out: ConcreteWorkload[] = [];
  const keys = modelKeys(ws.map((w) => w.model));
  for (const w of ws) {
    const model = keys.get(w.model)!;
    for (const batch of w.batch) {
      if (w.phase === 'prefill') for (const seq of w.seq!) out.push({ model, phase: 'prefill', batch, seq });
      else if (w.phase === 'decode') for (const context of w.context!) out.push({ model, phase: 'decode', batch, context });
      else if (w.phase === 'serve') out.push(...serveWorkloads(w, model, batch));
      else for (const prompt of w.prompt!) for (const output of w.output!) out.push({ model, phase: 'generate', batch, prompt, output });
    }
  }
  return out;
}

/** The space of a spec: dimensions and their values; point(i) decodes an index. */
export class PointSpace {
  readonly dims: { name: string; values: unknown[] }[];
  readonly size: number;
  /** True when the spec lists several base archs: the last dimension is 'arch'. */
  readonly multiArch: boolean;
  /** True when the spec lists several systems: a dimension 'system' after 'arch'. */
  readonly multiSystem: boolean;
  /** True when the spec names stacks: the last dimension is 'stack'. */
  readonly withStack: boolean;
  constructor(
    spec: Pick<ResolvedSpec, 'parameters' | 'quant' | 'workloads'> & { archs?: string[]; systems?: string[]; stackDocuments?: Record<string, unknown> },
  ) {
    this.multiArch = (spec.archs?.length ?? 0) > 1;
    this.multiSystem = (spec.systems?.length ?? 0) > 1;
    this.withStack = spec.stackDocuments !== undefined;
    this.dims = [
      ...spec.parameters.map((p) => ({ name: p.pointer, values: parameterValues(p) })),
      { name: 'quant', values: spec.quant },
      { name: 'workload', values: concreteWorkloads(spec.workloads) },
      // Slowest-varying, so a single-arch sweep's points and ids are unchanged.
      ...(this.multiArch ? [{ name: 'arch', values: spec.archs!.map(archLabel) }] : []),
      ...(this.multiSystem ? [{ name: 'system', values: spec.systems!.map(systemLabel) }] : []),
      ...(this.withStack ? [{ name: 'stack', values: Object.keys(spec.stackDocuments!) }] : []),
    ];
    this.size = this.dims.reduce((s, d) => s * d.values.length, 1);
  }

  digits(index: number): number[] {
    const out: number[] = [];
    let r = index;
    for (const d of this.dims) {
      out.push(r % d.values.length);
      r = Math.floor(r / d.values.length);
    }
    return out;
  }

  indexOf(digits: number[]): number {
    let idx = 0;
    let mul = 1;
    this.dims.forEach((d, i) => {
      idx += digits[i]! * mul;
      mul *= d.values.length;
    });
    return idx;
  }

  point(index: number): Point {
    const dg = this.digits(index);
    const params: Point['params'] = {};
    const nParams = this.dims.length - 2 - (this.multiArch ? 1 : 0) - (this.multiSystem ? 1 : 0) - (this.withStack ? 1 : 0);
    for (let i = 0; i < nParams; i++) params[this.dims[i]!.name] = this.dims[i]!.values[dg[i]!] as number;
    const sys = nParams + 2 + (this.multiArch ? 1 : 0);
    return {
      ...(this.multiArch ? { arch: this.dims[nParams + 2]!.values[dg[nParams + 2]!] as string } : {}),
      ...(this.multiSystem ? { system: this.dims[sys]!.values[dg[sys]!] as string } : {}),
      ...(this.withStack ? { stack: this.dims[this.dims.length - 1]!.values[dg[this.dims.length - 1]!] as string } : {}),
      params,
      quant: this.dims[nParams]!.values[dg[nParams]!] as string,
      workload: this.dims[nParams + 1]!.values[dg[nParams + 1]!] as ConcreteWorkload,
    };
  }

  /** Indices one step away along each dimension (for the Pareto-directed search). */
  neighbors(index: number): number[] {
    const dg = this.digits(index);
    const out: number[] = [];
    this.dims.forEach((d, i) => {
      for (const delta of [-1, 1]) {
        const v = dg[i]! + delta;
        if (v < 0 || v >= d.values.length) continue;
        const nd = [...dg];
        nd[i] = v;
        out.push(this.indexOf(nd));
      }
    });
    return out;
  }
}

export function pointId(p: Point): string {
  return createHash('sha256').update(canonicalJson(p)).digest('hex').slice(0, 16);
}

/** mulberry32: a small seeded PRNG (deterministic across platforms). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform integer in [0, n) for any n ≥ 1 (BigInt): whole 32-bit words from `rand32`, masked
 * to n's bit length, redrawn when ≥ n (rejection, so no value is favoured). Scaling one 32-bit
 * draw by n, as before, reached only 2^32 distinct values of a larger space.
 */
export function uniformBelow(n: bigint, rand32: () => number): bigint {
  if (n <= 1n) return 0n;
  const bits = (n - 1n).toString(2).length;
  const words = Math.ceil(bits / 32);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    let v = 0n;
    for (let w = 0; w < words; w++) v = (v << 32n) | BigInt(rand32());
    v &= mask;
    if (v < n) return v;
  }
}

/** 32 random bits per call from the seeded PRNG. */
export function prng32(seed: number): () => number {
  const r = prng(seed);
  return () => Math.floor(r() * 4294967296);
}

/** `k` distinct indices of [0, n), each draw uniform over the space, in draw order. */
export function sampleIndices(n: number, k: number, seed: number, exclude: Set<number> = new Set()): number[] {
  const rand = prng(seed);
  const rand32 = prng32(seed ^ 0x5bd1e995);
  const big = BigInt(n);
  const avail = n - exclude.size;
  const want = Math.min(k, avail);
  const chosen = new Set<number>();
  const order: number[] = [];
  if (want <= 0) return order;
  if (want > avail / 2) {
    // Dense: shuffle the remaining indices.
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (!exclude.has(i)) rest.push(i);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    return rest.slice(0, want);
  }
  while (order.length < want) {
    const i = Number(uniformBelow(big, rand32));
    if (chosen.has(i) || exclude.has(i)) continue;
    chosen.add(i);
    order.push(i);
  }
  return order;
}
