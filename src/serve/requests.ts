/**
 * Request sources, from one spec string (`--requests`):
 *
 *   poisson:rate=10,n=36000,prompt=lognormal(512,0.8),output=fixed(128)[,seed=1][,prefix=256,groups=4]
 *   gamma:rate=10,cv=3,duration=3600,prompt=uniform(128,1024),output=sample(lengths.txt)
 *   trace:azure_conv.csv[,limit=1000][,speed=2]
 *
 * Arrivals: Poisson (exponential gaps at `rate` req/s) or Gamma gaps with mean 1/rate and
 * coefficient of variation `cv` (cv > 1 is burstier than Poisson, cv = 1 is Poisson); `n`
 * requests or all that arrive within `duration` seconds. Lengths: fixed(N), uniform(a,b)
 * (integers, inclusive), lognormal(mean,sigma[,max]) (log-space σ; μ = ln mean − σ²/2, rounded,
 * at least 1), sample(file) (drawn uniformly from a file of lengths or a trace's column).
 * prefix=K,groups=G: each request belongs to one of G groups (uniform) whose first K prompt
 * tokens are the same (a shared system prompt, for prefix caching); prompts shorter than K
 * share all but their last token.
 * trace: replays a CSV/JSONL file (trace-file.ts, including the Azure LLM inference layout);
 * `speed=s` divides every arrival time by s. Everything is seeded (default seed 1): the same
 * spec gives the same requests.
 */
import { Rng } from '../numeric/rng.ts';
import { AccelscopeError } from '../util/errors.ts';
import type { ServeRequest } from './types.ts';
import { readLengths, readTrace } from './trace-file.ts';

export type LengthDist =
  | { kind: 'fixed'; n: number }
  | { kind: 'uniform'; lo: number; hi: number }
  | { kind: 'lognormal'; mean: number; sigma: number; max?: number }
  | { kind: 'sample'; file: string };

export type RequestSpec =
  | {
      kind: 'poisson' | 'gamma';
      rate: number;
      cv: number;
      n?: number;
      durationS?: number;
      prompt: LengthDist;
      output: LengthDist;
      seed: number;
      prefixTokens?: number;
      groups?: number;
    }
  | { kind: 'trace'; file: string; limit?: number; speed: number };

const bad = (msg: string) => new AccelscopeError('bad-flag', `--requests: ${msg}`);

/** Splits at commas outside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim());
}

function num(v: string, what: string, { integer = false, min = -Infinity, exclusive = false } = {}): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || (exclusive ? n <= min : n < min)) {
    throw bad(`${what} must be ${integer ? 'an integer' : 'a number'} ${exclusive ? '>' : '≥'} ${min} (got '${v}')`);
  }
  return n;
}

export function parseLengthDist(text: string, what: string): LengthDist {
  const m = /^(\w+)\((.*)\)$/.exec(text.trim());
  if (!m) throw bad(`${what}=${text}: expected fixed(N), uniform(a,b), lognormal(mean,sigma[,max]) or sample(file)`);
  const args = m[2]!.split(',').map((a) => a.trim());
  const need = (k: number[]) => {
    if (!k.includes(args.length)) throw bad(`${what}=${text}: ${m[1]} takes ${k.join(' or ')} argument(s)`);
  };
  switch (m[1]) {
    case 'fixed':
      need([1]);
      return { kind: 'fixed', n: num(args[0]!, `${what} length`, { integer: true, min: 1 }) };
    case 'uniform': {
      need([2]);
      const lo = num(args[0]!, `${what} lower bound`, { integer: true, min: 1 });
      const hi = num(args[1]!, `${what} upper bound`, { integer: true, min: lo });
      return { kind: 'uniform', lo, hi };
    }
    case 'lognormal': {
      need([2, 3]);
      return {
        kind: 'lognormal',
        mean: num(args[0]!, `${what} mean`, { min: 1 }),
        sigma: num(args[1]!, `${what} sigma`, { min: 0 }),
        ...(args[2] !== undefined ? { max: num(args[2], `${what} max`, { integer: true, min: 1 }) } : {}),
      };
    }
    case 'sample':
      need([1]);
      if (!args[0]) throw bad(`${what}=${text}: sample needs a file`);
      return { kind: 'sample', file: m[2]!.trim() };
    default:
      throw bad(`${what}=${text}: unknown distribution '${m[1]}' (fixed, uniform, lognormal, sample)`);
  }
}

export function parseRequestSpec(text: string): RequestSpec {
  const colon = text.indexOf(':');
  if (colon < 0) throw bad(`'${text}': expected poisson:…, gamma:… or trace:<file> (docs/cli.md#serve)`);
  const kind = text.slice(0, colon).trim();
  const parts = splitTop(text.slice(colon + 1));
  if (kind === 'trace') {
    const [file, ...opts] = parts;
    if (!file) throw bad('trace: needs a file');
    let limit: number | undefined;
    let speed = 1;
    for (const o of opts) {
      const [k, v = ''] = o.split('=');
      if (k === 'limit') limit = num(v, 'limit', { integer: true, min: 1 });
      else if (k === 'speed') speed = num(v, 'speed', { min: 0, exclusive: true });
      else throw bad(`trace: unknown option '${k}' (limit, speed)`);
    }
    return { kind: 'trace', file, speed, ...(limit !== undefined ? { limit } : {}) };
  }
  if (kind !== 'poisson' && kind !== 'gamma') throw bad(`unknown source '${kind}' (poisson, gamma, trace)`);
  const kv = new Map<string, string>();
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) throw bad(`'${p}' is not key=value`);
    const k = p.slice(0, eq).trim();
    if (!['rate', 'cv', 'n', 'duration', 'prompt', 'output', 'seed', 'prefix', 'groups'].includes(k))
      throw bad(`unknown key '${k}' (rate, cv, n, duration, prompt, output, seed, prefix, groups)`);
    if (k === 'cv' && kind === 'poisson') throw bad('cv goes with gamma arrivals (poisson has cv = 1)');
    kv.set(k, p.slice(eq + 1));
  }
  for (const k of ['rate', 'prompt', 'output']) if (!kv.has(k)) throw bad(`${kind} needs ${k}=…`);
  if (!kv.has('n') && !kv.has('duration')) throw bad(`${kind} needs n=<requests> or duration=<seconds>`);
  if (kv.has('groups') !== kv.has('prefix')) throw bad('prefix=K and groups=G go together');
  return {
    kind,
    rate: num(kv.get('rate')!, 'rate', { min: 0, exclusive: true }),
    cv: kv.has('cv') ? num(kv.get('cv')!, 'cv', { min: 0, exclusive: true }) : 1,
    ...(kv.has('n') ? { n: num(kv.get('n')!, 'n', { integer: true, min: 1 }) } : {}),
    ...(kv.has('duration') ? { durationS: num(kv.get('duration')!, 'duration', { min: 0, exclusive: true }) } : {}),
    prompt: parseLengthDist(kv.get('prompt')!, 'prompt'),
    output: parseLengthDist(kv.get('output')!, 'output'),
    seed: kv.has('seed') ? num(kv.get('seed')!, 'seed', { integer: true, min: 0 }) : 1,
    ...(kv.has('prefix')
      ? { prefixTokens: num(kv.get('prefix')!, 'prefix', { integer: true, min: 1 }), groups: num(kv.get('groups')!, 'groups', { integer: true, min: 1 }) }
      : {}),
  };
}

/** Gamma(shape k, scale 1) by Marsaglia & Tsang (2000); k < 1 through Gamma(k+1)·U^(1/k). */
export function gammaSample(rng: Rng, k: number): number {
  if (k < 1) return gammaSample(rng, k + 1) * Math.pow(1 - rng.next(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function lengthSampler(d: LengthDist, rng: Rng, column: 'prompt' | 'output'): () => number {
  switch (d.kind) {
    case 'fixed':
      return () => d.n;
    case 'uniform':
      return () => rng.int(d.lo, d.hi);
    case 'lognormal': {
      const mu = Math.log(d.mean) - (d.sigma * d.sigma) / 2;
      return () => {
        const x = Math.max(1, Math.round(Math.exp(mu + d.sigma * rng.normal())));
        return d.max !== undefined ? Math.min(d.max, x) : x;
      };
    }
    case 'sample': {
      const values = readLengths(d.file, column).filter((v) => v >= 1);
      if (values.length === 0) throw new AccelscopeError('schema', `no ${column} length ≥ 1 to sample from`, { file: d.file });
      return () => values[rng.int(0, values.length - 1)]!;
    }
  }
}

/** The request stream of a spec; seeded and deterministic. */
export function generateRequests(spec: RequestSpec): ServeRequest[] {
  if (spec.kind === 'trace') {
    let rows = readTrace(spec.file);
    if (spec.limit !== undefined) rows = rows.slice(0, spec.limit);
    const out: ServeRequest[] = [];
    rows.forEach((r, i) => {
      // A request with no prompt or no output is nothing to serve; its ids keep the trace row order.
      if (r.promptTokens < 1 || r.outputTokens < 1) return;
      out.push({ id: i, arrivalS: r.arrivalS / spec.speed, promptTokens: r.promptTokens, outputTokens: r.outputTokens });
    });
    if (!out.length) throw new AccelscopeError('schema', 'no request with prompt ≥ 1 and output ≥ 1 tokens', { file: spec.file });
    return out;
  }
  // Separate streams so changing one distribution leaves the others' draws unchanged.
  const arrivals = new Rng(spec.seed * 4 + 1);
  const prompts = lengthSampler(spec.prompt, new Rng(spec.seed * 4 + 2), 'prompt');
  const outputs = lengthSampler(spec.output, new Rng(spec.seed * 4 + 3), 'output');
  const groups = new Rng(spec.seed * 4 + 4);
  const shape = 1 / (spec.cv * spec.cv);
  const gap =
    spec.kind === 'poisson' || spec.cv === 1 ? () => -Math.log(1 - arrivals.next()) / spec.rate : () => gammaSample(arrivals, shape) / (shape * spec.rate);
  const out: ServeRequest[] = [];
  let t = 0;
  for (let i = 0; ; i++) {
    if (spec.n !== undefined && i >= spec.n) break;
    t += gap();
    if (spec.durationS !== undefined && t > spec.durationS) break;
    const r: ServeRequest = { id: i, arrivalS: t, promptTokens: prompts(), outputTokens: outputs() };
    if (spec.prefixTokens !== undefined && spec.groups !== undefined) {
      r.prefixId = groups.int(0, spec.groups - 1);
      r.prefixTokens = Math.min(spec.prefixTokens, r.promptTokens - 1);
    }
    out.push(r);
  }
  if (!out.length) throw bad(`no request arrives within duration=${spec.durationS}`);
  return out;
}
