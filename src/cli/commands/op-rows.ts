/** Rows of `accelscope op`: one op on each arch through the engine, and their text rendering. */
import type { PowerHistory, PowerHistoryUse } from '../../engine/power-history.ts';
import { renderPowerHistory } from '../power-history-option.ts';
import { loadArch } from '../../config/load.ts';
import { evaluateOp, orThrow } from '../../engine/evaluate.ts';
import type { CalibrationUse } from '../../hw/model.ts';
import type { QuantScheme } from '../../quant/types.ts';
import type { Op } from '../../workload/graph.ts';
import { inArchFile } from '../../util/errors.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '../../util/format.ts';
import type { ArchConfig } from '../../arch/base.ts';
import { stackRunOptions } from '../stack-args.ts';

export interface OpRow {
  arch: string;
  archFile: string;
  kind: string;
  op: string;
  shape: Record<string, number | string | boolean>;
  dtype?: string;
  seconds: number;
  cycles: number;
  flops: number;
  bytes: Record<string, number>;
  bound: string;
  utilization: number;
  achievedFlopsPerSecond: number;
  energyPj: { compute: number; onChip: number; offChip: number; static: number };
  roofline: { seconds: number; bound: string; dtype: string };
  breakdown?: Record<string, number>;
  notes?: string[];
  calibration: CalibrationUse[];
  /** The software stack the op ran under (--stack). */
  stack?: string;
  /** The power history the op was timed with (src/engine/power-history.ts), where the arch has a sustained power limit. */
  powerHistory?: PowerHistoryUse;
}

function shapeOf(op: Op): Record<string, number | string | boolean> {
  if (op.kind === 'gemm') return { m: op.m, n: op.n, k: op.k, batch: op.batch };
  if (op.kind === 'attention')
    return { phase: op.phase, batch: op.batch, heads: op.heads, kvHeads: op.kvHeads, headDim: op.headDim, qLen: op.qLen, kvLen: op.kvLen, causal: op.causal };
  return {};
}

export function simulateRows(ops: Op[], archFiles: string[], q: QuantScheme, l2State: string, stackFile?: string, powerHistory?: PowerHistory): OpRow[] {
  const arches: { file: string; arch: ArchConfig }[] = archFiles.map((file) => ({ file, arch: loadArch(file) }));
  const rows: OpRow[] = [];
  for (const { file, arch } of arches) {
    const { stack } = stackRunOptions(stackFile, arch);
    for (const op of ops) {
      const ev = inArchFile(file, () =>
        orThrow(evaluateOp(op, arch, q, { l2State, ...(stack ? { stack } : {}), ...(powerHistory !== undefined ? { powerHistory } : {}) })),
      );
      const r = ev.result;
      const p = ev.roofline;
      rows.push({
        arch: arch.name,
        archFile: file,
        kind: arch.kind,
        op: op.kind,
        shape: shapeOf(op),
        ...(r.dtype ? { dtype: r.dtype } : {}),
        seconds: r.seconds,
        cycles: r.cycles,
        flops: r.flops,
        bytes: r.bytes,
        bound: r.bound,
        utilization: r.utilization,
        achievedFlopsPerSecond: r.seconds > 0 ? r.flops / r.seconds : 0,
        energyPj: r.energyPj,
        roofline: { seconds: p.seconds, bound: p.bound, dtype: p.dtype },
        ...(r.breakdown ? { breakdown: r.breakdown } : {}),
        ...(r.notes ? { notes: r.notes } : {}),
        calibration: ev.calibration,
        ...(stack ? { stack: stack.name } : {}),
        ...(ev.powerHistory ? { powerHistory: ev.powerHistory } : {}),
      });
    }
  }
  // Order: shapes vary fastest within an arch, arches slowest — already so.
  return rows;
}

function fmtBreakdown(b: Record<string, number> | undefined): string {
  if (!b) return '';
  return Object.entries(b)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => (k.endsWith('S') ? `${k.slice(0, -1)} ${formatSeconds(v)}` : `${k} ${Number.isInteger(v) ? v : formatNumber(v)}`))
    .join(', ');
}

export function renderOpRows(rows: OpRow[]): string {
  const multiArch = new Set(rows.map((r) => r.archFile)).size > 1;
  const shapeText = (r: OpRow) =>
    r.op === 'gemm'
      ? `${r.shape.m}x${r.shape.n}x${r.shape.k}${r.shape.batch !== 1 ? ` ×${r.shape.batch}` : ''}`
      : `${r.shape.phase} b${r.shape.batch} h${r.shape.heads}/${r.shape.kvHeads} d${r.shape.headDim} q${r.shape.qLen} kv${r.shape.kvLen}`;
  const headers = [...(multiArch ? ['arch'] : []), r0(rows), 'dtype', 'time', 'cycles', 'TFLOP/s', 'DRAM', 'bound', 'util', 'roofline'];
  const table = renderTable(
    headers,
    rows.map((r) => [
      ...(multiArch ? [r.arch] : []),
      shapeText(r),
      r.dtype ?? '',
      formatSeconds(r.seconds),
      r.cycles,
      formatNumber(r.achievedFlopsPerSecond / 1e12),
      formatBytes(r.bytes['dram'] ?? 0),
      r.bound,
      formatPercent(r.utilization),
      formatSeconds(r.roofline.seconds),
    ]),
    multiArch ? [0, 1] : [0],
  );
  let s = multiArch ? table : `${rows[0]?.arch ?? ''}\n${table}`;
  s += '\nbreakdown\n';
  for (const r of rows)
    s += `  ${multiArch ? `${r.arch} ` : ''}${shapeText(r)}: ${fmtBreakdown(r.breakdown)}${r.notes?.length ? ` — ${r.notes.join('; ')}` : ''}\n`;
  const seen = new Set<string>();
  const cal = rows.filter((r) => r.calibration.length && !seen.has(r.archFile) && seen.add(r.archFile));
  if (cal.length) {
    s += 'calibration\n';
    for (const r of cal) for (const c of r.calibration) s += `  ${multiArch ? `${r.arch}: ` : ''}${c.name} = ${c.value} (${c.source})\n`;
  }
  const timed = rows.filter((r) => r.powerHistory && !seen.has(`ph ${r.archFile}`) && seen.add(`ph ${r.archFile}`));
  for (const r of timed) s += `power history   ${multiArch ? `${r.arch}: ` : ''}${renderPowerHistory(r.powerHistory!)}\n`;
  if (rows[0]?.stack) s += `stack ${rows[0].stack} (its kernel family / attention backend ran the op; docs/models/software-stacks.md)\n`;
  return s;
}

function r0(rows: OpRow[]): string {
  return rows[0]?.op === 'attention' ? 'attention' : 'M x N x K';
}
