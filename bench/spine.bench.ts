/** Issue 3 target: building + simulating a Llama-3-70B prefill (b1, s2048) and decode graph < 20 ms each. */
import { loadArch, loadModel } from '../src/config/load.ts';
import { buildGraph } from '../src/workload/builders/decoder.ts';
import { run } from '../src/engine/run.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { timeIt } from './timing.ts';

export default function bench(): void {
  const spec = loadModel('workloads/models/llama-3-70b.json');
  const q = parseQuantScheme('w16a16');
  for (const archFile of ['arch-configs/gpu/h100-sxm.json']) {
    const arch = loadArch(archFile);
    const cases = [
      ['prefill b1 s2048', () => run(buildGraph(spec, { phase: 'prefill', batch: 1, seq: 2048 }), arch, q, { ignoreCapacity: true })],
      ['decode b1 ctx2048', () => run(buildGraph(spec, { phase: 'decode', batch: 1, context: 2048 }), arch, q, { ignoreCapacity: true })],
    ] as const;
    for (const [name, fn] of cases) {
      const t = timeIt(fn);
      console.log(
        `llama-3-70b ${name} on ${arch.name}: build+simulate median ${t.medianMs.toFixed(2)} ms (target < 20 ms) ${t.medianMs < 20 ? 'OK' : 'MISSED'}`,
      );
    }
  }
}
