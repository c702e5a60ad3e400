/**
 * `accelscope check [--arch F] [--quant S] [--seed N] [--json]`: runs every modeled datapath (or,
 * with --arch, those the config claims — its model's claimedDatapaths(c, q), e.g. the U280's
 * cascade of 16 and the Aquabolt unit's K = 4096 in fp16 — falling back to its kind's datapaths
 * when the model states no claim) against the reference kernel on seeded random and
 * adversarial matrices; exits 1 when one misses its bound.
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { loadArch, loadQuant, resolveArchDocument } from '../../config/load.ts';
import { getModel, hardwareKinds } from '../../hw/registry.ts';
import { isObject } from '../../config/merge.ts';
import { datapathsFor } from '../../hw/datapaths.ts';
import { buildDatapath } from '../../numeric/spec.ts';
import type { Datapath } from '../../numeric/datapath.ts';
import type { QuantScheme } from '../../quant/types.ts';
import { runCheck, type CheckReport } from '../../numeric/check.ts';
import { DEFAULT_CHECK_SHAPE } from '../../numeric/cases.ts';
import { renderTable } from '../table.ts';
import { AccelscopeError } from '../../util/errors.ts';

export interface CheckArgs {
  arch?: string;
  quant?: string;
  seed: number;
  json: boolean;
}

/** The hardware kind of an arch file: validated by its model when that kind is registered. */
export function archKind(file: string): string {
  const doc = resolveArchDocument(file);
  const kind = isObject(doc) ? doc['kind'] : undefined;
  if (typeof kind !== 'string')
    throw new AccelscopeError('schema', kind === undefined ? "must have required property 'kind'" : 'must be string', {
      file,
      pointer: kind === undefined ? '' : '/kind',
    });
  if (hardwareKinds().includes(kind)) return loadArch(file).kind;
  return kind;
}

export const checkCommand = {
  command: 'check',
  describe: 'check every modeled datapath against the float64 / exact-integer reference kernel',
  builder: (y: Argv) =>
    y
      .option('arch', {
        type: 'string',
        describe: "arch config JSON: check the datapaths the config claims (its kind's when its model states none; default: every kind)",
      })
      .option('quant', {
        type: 'string',
        describe: "quant scheme (w8a8, fp8, w4a16-g128 …) or JSON file: the datapaths that run it (default: each datapath's own set)",
      })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the random and adversarial matrices (integer, default 1)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (docs/cli.md)' }),
  handler: (a: CheckArgs, io: Io): number => checkHandler(a, io),
};

/** The handler with its datapath selection injectable (tests hand in a broken datapath). */
export function checkHandler(a: CheckArgs, io: Io, select: typeof datapathsFor = datapathsFor): number {
  if (!Number.isInteger(a.seed)) throw new AccelscopeError('bad-flag', `--seed must be an integer (got ${a.seed})`);
  const kind = a.arch ? archKind(a.arch) : undefined;
  const quant = a.quant ? loadQuant(a.quant) : undefined;
  const claimed = a.arch && kind !== undefined ? claimedDatapaths(a.arch, kind, quant) : undefined;
  const datapaths = claimed ?? select(kind, quant, a.arch ? { file: a.arch, pointer: '/kind' } : {});
  if (datapaths.length === 0) {
    throw new AccelscopeError('unsupported', `no datapath${kind ? ` of ${kind}` : ''} runs quant scheme '${quant?.name}'`);
  }
  const report = runCheck(datapaths, { seed: a.seed, shape: DEFAULT_CHECK_SHAPE });
  io.out(a.json ? JSON.stringify(report, jsonNumbers, 2) + '\n' : renderCheck(report));
  if (!report.pass) {
    const failed = report.datapaths.filter((d) => !d.pass).map((d) => d.datapath);
    throw new AccelscopeError('check-failed', `${failed.length} of ${report.datapaths.length} datapath(s) missed their bound: ${failed.join(', ')}`);
  }
  return 0;
}

/** The datapaths an arch config claims, or undefined when its kind is unregistered or its model states no claim. */
export function claimedDatapaths(file: string, kind: string, q?: QuantScheme): Datapath[] | undefined {
  if (!hardwareKinds().includes(kind)) return undefined;
  const model = getModel(kind, { file, pointer: '/kind' });
  if (!model.claimedDatapaths) return undefined;
  const c = loadArch(file);
  try {
    return model.claimedDatapaths(c, q).map(buildDatapath);
  } catch (e) {
    if (e instanceof AccelscopeError && e.file === undefined) throw new AccelscopeError(e.code, e.message, { file, pointer: e.pointer });
    throw e;
  }
}

/** JSON has no Infinity: an exact datapath's SQNR is written as the string "inf". */
function jsonNumbers(_k: string, v: unknown): unknown {
  return v === Infinity ? 'inf' : v;
}

function sci(v: number): string {
  return v === 0 ? '0' : v === Infinity ? 'inf' : v.toExponential(2);
}

function shapeDiffers(a: { M: number; N: number; K: number }, b: { M: number; N: number; K: number }): boolean {
  return a.M !== b.M || a.N !== b.N || a.K !== b.K;
}

export function renderCheck(r: CheckReport): string {
  const shapes = [...new Set(r.datapaths.map((d) => `M ${d.shape.M} N ${d.shape.N} K ${d.shape.K}`))];
  const shape = shapes.length === 1 ? shapes[0] : `M ${r.shape.M} N ${r.shape.N} K ${r.shape.K} unless claimed`;
  let s = `check: ${r.datapaths.length} datapath(s) · cases random, outliers, all-max, signed-zero, subnormal · ${shape} · seed ${r.seed}\n\n`;
  s += renderTable(
    ['datapath', 'max abs err', 'max rel err', 'SQNR dB', 'err/bound', 'bound', 'result'],
    r.datapaths.map((d) => [
      d.datapath,
      sci(d.maxAbsErr),
      sci(d.maxRelErr),
      d.sqnrDb === Infinity ? 'inf' : d.sqnrDb.toFixed(1),
      d.exact ? '-' : d.boundRatio.toFixed(3),
      d.exact ? 'exact' : d.bound,
      d.pass ? 'PASS' : 'FAIL',
    ]),
    [0, 5],
  );
  const claims = r.datapaths
    .filter((d) => d.claim)
    .map(
      (d) =>
        `  ${d.datapath}: ${d.claim}${shapes.length > 1 && shapeDiffers(d.shape, r.shape) ? `; checked at M ${d.shape.M} N ${d.shape.N} K ${d.shape.K}` : ''}`,
    );
  if (claims.length) s += `\nclaimed by the arch config\n${claims.join('\n')}\n`;
  const notes = r.datapaths.flatMap((d) => d.cases.filter((c) => c.note).map((c) => `  ${d.datapath} (${c.case}): ${c.note}`));
  const fails = r.datapaths.flatMap((d) => d.failures.map((f) => `  ${d.datapath}: ${f}`));
  if (notes.length) s += `\nnotes\n${notes.join('\n')}\n`;
  if (fails.length) s += `\nfailures\n${fails.join('\n')}\n`;
  s += `\nrel err = |err| / Σ|a·w| per output; SQNR is the lowest over the cases.\n`;
  return s;
}
