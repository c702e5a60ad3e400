/**
 * Issue 23 target: one hour of traffic at 10 requests/s (36,000 requests) on one device
 * simulates in < 10 s on one core. Llama-2-7B on an H100, Poisson arrivals, log-normal prompt
 * and output lengths, continuous batching; cold (the step-cost memo starts empty). Prints wall
 * and CPU time (CPU time is what one core spends; wall time includes waiting on a shared machine).
 */
import { loadArch, loadModel } from '../src/config/load.ts';
import { parseQuantScheme } from '../src/quant/scheme.ts';
import { runServe } from '../src/serve/run-serve.ts';
import { parseRequestSpec } from '../src/serve/requests.ts';

export default function bench(): void {
  const spec = loadModel('workloads/models/llama-2-7b.json');
  const arch = loadArch('arch-configs/gpu/h100-sxm.json');
  const quant = parseQuantScheme('w16a16');
  const text = 'poisson:rate=10,duration=3600,prompt=lognormal(512,0.8,4000),output=lognormal(128,0.8,2000)';
  for (const chunked of [false, true]) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { report } = runServe({
      spec,
      arch,
      quant,
      requests: parseRequestSpec(text),
      requestsText: text,
      slo: { ttftS: 1, tpotS: 0.05 },
      swapBytesPerSecond: 64e9,
      scheduler: {
        policy: 'continuous',
        maxRunning: 256,
        maxBatchedTokens: chunked ? 2048 : 8192,
        chunkedPrefill: chunked,
        priority: chunked ? 'decode-first' : 'prefill-first',
        blockTokens: 16,
        preemption: 'recompute',
        prefixCaching: false,
        swapBlocks: 0,
        watermark: 0.01,
      },
    });
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const s = report.summary;
    console.log(
      `serve llama-2-7b on H100, ${s.requests} requests (1 h at 10 req/s), continuous${chunked ? ' + chunked prefill' : ''}: wall ${wallS.toFixed(2)} s, CPU ${cpuS.toFixed(2)} s, ${s.steps} steps, ${Object.values(report.stepModel.evaluations).reduce((a, b) => a + b, 0)} step-cost evaluations; p99 TTFT ${(s.ttftS.p99 * 1e3).toFixed(1)} ms, p99 TPOT ${(s.tpotS.p99 * 1e3).toFixed(2)} ms (target < 10 s) ${cpuS < 10 ? 'OK' : 'MISSED'}`,
    );
  }
}
