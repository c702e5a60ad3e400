/** The software-stack lines of `simulate` (docs/models/software-stacks.md): what the stack did to the step and the values it used. */
import type { StackUse } from '../stack/use.ts';
import { formatCount, formatSeconds } from '../util/format.ts';
import { calibrationLine } from './calibration-line.ts';

export function renderStackUse(u: StackUse): string {
  const st = u.step;
  const f = u.fusions;
  let s = `stack             ${u.name}${u.file ? ` (${u.file})` : ''}: ${u.launch}, ${formatCount(st.kernels)} kernels, device ${formatSeconds(st.deviceSeconds)}`;
  if (u.launch === 'cuda-graph') s += ` + graph gaps ${formatSeconds(st.gapSeconds)}`;
  else s += `, host issue ${formatSeconds(st.hostSeconds)}`;
  s += ` + device waiting on the host ${formatSeconds(u.launch === 'cuda-graph' ? st.hostWaitSeconds : st.hostWaitSeconds)}\n`;
  s += `  fusions         qkv ${f.qkv ? 'one GEMM' : 'three'} · gate/up ${f.gateUp ? 'one GEMM' : 'two'} · residual+norm ${f.residualNorm ? 'fused' : 'apart'} · activation ${f.activation} · rotary ${f.rotary} · KV-cache write kernels ${u.kvCacheWriteKernels}\n`;
  if (u.attention) s += `  attention       prefill ${u.attention.prefill} · decode ${u.attention.decode}\n`;
  if (u.gemm) s += `  GEMM families   ${u.gemm.join(' → ')}\n`;
  if (u.stridedLoop) s += `  strided views   ${u.stridedLoop.kernel}: ${u.stridedLoop.elementsInFlightPerThread} element's loads in flight per thread\n`;
  for (const c of u.calibration) s += `  ${calibrationLine(c)}\n`;
  return s;
}
