/** The text output of one simulated step (`simulate`, `simulate --system`). */
import type { RunResult } from '../../engine/run.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatCount, formatNumber, formatPercent, formatQuantity, formatSeconds } from '../../util/format.ts';
import { calibrationLine } from '../calibration-line.ts';
import { renderPowerHistory } from '../power-history-option.ts';
import { renderStackUse } from '../stack-line.ts';

export function renderRun(r: RunResult): string {
  const w = r.workload;
  const shape = w.phase === 'prefill' ? `seq ${w.seq}` : `context ${w.context}`;
  const mtp = w.mtpParams ? ` + ${formatQuantity(w.mtpParams)} MTP, not simulated` : '';
  let s = `${w.model} (${formatQuantity(w.params, 'params')}${mtp}) · ${w.phase} · batch ${w.batch} · ${shape} · ${r.quant.name}\n`;
  s += `on ${r.arch.name} [${r.arch.kind}]${r.stack ? ` · stack ${r.stack.name} (${r.stack.launch})` : ''}\n\n`;
  const total = r.totals.seconds;
  s += renderTable(
    ['op class', 'ops', 'time', '% time', 'roofline', 'FLOPs', 'bytes', 'FLOP/B', 'bound', 'util'],
    r.classes.map((c) => [
      c.cls,
      formatCount(c.ops),
      formatSeconds(c.seconds),
      formatPercent(c.seconds / total),
      formatSeconds(c.rooflineSeconds),
      formatQuantity(c.flops, 'FLOP'),
      formatBytes(c.bytes),
      formatNumber(c.intensity),
      c.bound,
      formatPercent(c.utilization),
    ]),
  );
  const t = r.totals;
  const m = r.memory;
  const pj = t.energyPj;
  s += '\n';
  s += `time per step     ${formatSeconds(t.seconds)}  (roofline ${formatSeconds(t.rooflineSeconds)})\n`;
  if (t.sequentialSeconds !== undefined)
    s += `  overlap         ops one after another ${formatSeconds(t.sequentialSeconds)}; the model's step schedule overlaps work across ops (${Object.entries(
      r.schedule ?? {},
    )
      .map(([k, v]) => `${k} ${/Seconds$/.test(k) ? formatSeconds(v) : formatNumber(v)}`)
      .join(', ')})\n`;
  s += `tokens/s          ${formatQuantity(t.tokensPerSecond, 'tokens/s')}\n`;
  s += `FLOPs, bytes      ${formatQuantity(t.flops, 'FLOP')}, ${formatBytes(t.bytes)}\n`;
  s += `energy            ${formatQuantity(t.energyJ, 'J')} per step, ${formatQuantity(t.energyPerTokenJ, 'J')} per token, ${formatQuantity(t.averagePowerW, 'W')} average\n`;
  s += `  breakdown       compute ${pct(pj.compute, t.energyJ)} · on-chip ${pct(pj.onChip, t.energyJ)} · off-chip ${pct(pj.offChip, t.energyJ)} · static ${pct(pj.static, t.energyJ)}\n`;
  const es = r.energySources ?? [];
  if (es.length)
    s += `  sources         ${es.length} table entries, ${es.filter((e) => !e.verified).length} of them placeholders (--json lists every source)${
      es.some((e) => e.overridden)
        ? `; overridden by the arch: ${es
            .filter((e) => e.overridden)
            .map((e) => `${e.key} = ${e.valuePj} ${e.unit}`)
            .join(', ')}`
        : ''
    }\n`;
  s += `memory            ${formatBytes(m.totalBytes)} of ${formatBytes(m.capacityBytes)} (${formatPercent(m.totalBytes / m.capacityBytes)})${m.fits ? '' : ' — DOES NOT FIT'}\n`;
  s += `  weights ${formatBytes(m.weightsBytes)} · KV cache ${formatBytes(m.kvCacheBytes)} · activations ${formatBytes(m.activationBytes)}\n`;
  if (r.calibration.length) {
    s += `calibration\n`;
    for (const c of r.calibration) s += `  ${calibrationLine(c)}\n`;
  }
  if (r.powerHistory) s += `power history     ${renderPowerHistory(r.powerHistory)}\n`;
  if (r.stack) s += renderStackUse(r.stack);
  return s;
}

function pct(pj: number, totalJ: number): string {
  return totalJ > 0 ? formatPercent((pj * 1e-12) / totalJ) : formatPercent(0);
}
