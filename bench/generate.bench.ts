/** Issue 14 target: Llama-3-70B, P=2048, O=2048 as a whole request in < 100 ms (fast path). */
import { loadArch, loadModel } from '../src/config/load.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { simulateGenerate } from '../src/engine/generate.ts';
import { timeIt } from './timing.ts';

export default function bench(): void {
  const spec = loadModel('workloads/models/llama-3-70b.json');
  const arch = loadArch('arch-configs/gpu/h100-sxm.json');
  const q = parseQuantScheme('w4a16-g128');
  let evals = 0;
  let err = 0;
  const t = timeIt(
    () => {
      const r = simulateGenerate(spec, arch, q, { batch: 1, prompt: 2048, output: 2048 });
      evals = r.generate.interpolation.evaluations;
      err = r.generate.interpolation.maxRelError;
    },
    { warmup: 2, runs: 9 },
  );
  console.log(
    `llama-3-70b generate P=2048 O=2048 (w4a16-g128, H100): median ${t.medianMs.toFixed(1)} ms, ${evals} context points, max interpolation error ${(err * 100).toFixed(4)}% (target < 100 ms) ${t.medianMs < 100 ? 'OK' : 'MISSED'}`,
  );
}
