/** Trace import speed: the TinyLlama fixture (test/fixtures/), and a synthetic 32-layer trace of a prefill + 127 decode steps. */
import { resolve } from 'node:path';
import { importTrace, importTraceData } from '../src/workload/import/trace-import.ts';
import { importOnnx } from '../src/workload/import/onnx-import.ts';
import { parseTrace } from '../src/workload/import/trace-read.ts';
import { tinyDecoderOps, traceOf } from '../test/workload/import/synthetic.ts';
import { timeIt } from './timing.ts';

export default function bench(): void {
  const fixtures = resolve(import.meta.dirname, '../test/fixtures');
  const fixture = resolve(fixtures, 'traces/trace_tinyllama_2layer_prefill64_decode1.json');
  const t1 = timeIt(() => importTrace(fixture), { runs: 9 });
  console.log(`trace import, TinyLlama 2-layer fixture (1713 events, 2 passes): median ${t1.medianMs.toFixed(1)} ms`);
  const t2 = timeIt(() => importOnnx(resolve(fixtures, 'onnx/tiny_llama_2layer_seq16.onnx')), { runs: 9 });
  console.log(`ONNX import, tiny Llama 2-layer fixture (129 nodes): median ${t2.medianMs.toFixed(1)} ms`);
  const ops = tinyDecoderOps({ tokens: 128, past: 0, layers: 32, hidden: 4096, heads: 32, vocab: 32000 });
  for (let s = 0; s < 127; s++) ops.push(...tinyDecoderOps({ tokens: 1, past: 128 + s, layers: 32, hidden: 4096, heads: 32, vocab: 32000 }));
  const doc = traceOf(ops) as { traceEvents: unknown[] };
  const t3 = timeIt(() => importTraceData(parseTrace(doc, 'synthetic.json'), 'synthetic.json'), { warmup: 1, runs: 5 });
  console.log(`trace import, synthetic 32 layers × 128 passes (${doc.traceEvents.length} events): median ${t3.medianMs.toFixed(0)} ms`);
}
