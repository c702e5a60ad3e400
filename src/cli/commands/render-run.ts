/** The text output of one simulated step (`simulate`, `simulate --system`). */
import type { RunResult } from '../../engine/run.ts';
import { renderTable } from '../table.ts';
import { formatBytes, formatSeconds, formatSi } from '../../util/units.ts';
import { calibrationLine } from '../calibration-line.ts';

export function renderRun(r: RunResult): string {
  const w = r.workload;
  const shape = w.phase === 'prefill' ? `seq ${w.seq}` : `context ${w.context}`;
  const mtp = w.mtpParams ? ` + ${formatSi(w.mtpParams)} MTP, not simulated` : '';
  let s = `${w.model} (${formatSi(w.params)} params${mtp}) · ${w.phase} · batch ${w.batch} · ${shape} · ${r.quant.name}\n`;
  s += `on ${r.arch.name} [${r.arch.kind}]\n\n`;
  const total = r.totals.seconds;
  s += renderTable(
    ['op class', 'ops', 'time', '% time', 'roofline', 'FLOPs', 'bytes', 'FLOP/B', 'bound', 'util'],
    r.classes.map((c) => [
      c.cls, c.ops, formatSeconds(c.seconds), `${((100 * c.seconds) / total).toFixed(1)}%`, formatSeconds(c.rooflineSeconds),
      formatSi(c.flops), formatBytes(c.bytes), c.intensity.toFixed(1), c.bound, `${(100 * c.utilization).toFixed(1)}%`,
    ]),
  );
  const t = r.totals;
  const m = r.memory;
  const pj = t.energyPj;
  s += '\n';
  s += `time per step     ${formatSeconds(t.seconds)}  (roofline ${formatSeconds(t.rooflineSeconds)})\n`;
  if (t.sequentialSeconds !== undefined) s += `  overlap         ops one after another ${formatSeconds(t.sequentialSeconds)}; the model's step schedule overlaps work across ops (${Object.entries(r.schedule ?? {}).map(([k, v]) => `${k} ${/Seconds$/.test(k) ? formatSeconds(v) : v}`).join(', ')})\n`;
  s += `tokens/s          ${t.tokensPerSecond.toPrecision(4)}\n`;
  s += `FLOPs, bytes      ${formatSi(t.flops, 'FLOP')}, ${formatBytes(t.bytes)}\n`;
  s += `energy            ${(t.energyJ).toPrecision(3)} J per step, ${(t.energyPerTokenJ * 1e3).toPrecision(3)} mJ/token, ${t.averagePowerW.toFixed(1)} W average\n`;
  s += `  breakdown       compute ${pct(pj.compute, t.energyJ)} · on-chip ${pct(pj.onChip, t.energyJ)} · off-chip ${pct(pj.offChip, t.energyJ)} · static ${pct(pj.static, t.energyJ)}\n`;
  const es = r.energySources ?? [];
  if (es.length) s += `  sources         ${es.length} table entries, ${es.filter((e) => !e.verified).length} of them placeholders (--json lists every source)${es.some((e) => e.overridden) ? `; overridden by the arch: ${es.filter((e) => e.overridden).map((e) => `${e.key} = ${e.valuePj} ${e.unit}`).join(', ')}` : ''}\n`;
  s += `memory            ${formatBytes(m.totalBytes)} of ${formatBytes(m.capacityBytes)} (${((100 * m.totalBytes) / m.capacityBytes).toFixed(1)}%)${m.fits ? '' : ' — DOES NOT FIT'}\n`;
  s += `  weights ${formatBytes(m.weightsBytes)} · KV cache ${formatBytes(m.kvCacheBytes)} · activations ${formatBytes(m.activationBytes)}\n`;
  if (r.calibration.length) {
    s += `calibration\n`;
    for (const c of r.calibration) s += `  ${calibrationLine(c)}\n`;
  }
  return s;
}

function pct(pj: number, totalJ: number): string {
  return totalJ > 0 ? `${((100 * pj * 1e-12) / totalJ).toFixed(1)}%` : '0%';
}
