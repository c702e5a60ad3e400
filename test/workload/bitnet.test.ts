import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.ts';
import { paramCounts } from '../../src/workload/params.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { modelPath } from '../helpers.ts';

// 1bitLLM/bitnet_b1_58-3B config.json as published (model_type 'llama', tied embeddings,
// vocab 32002). Its model card lists 3.32B parameters: 26 × (4·3200² + 3·3200·8640 + 2·3200)
// + 32002·3200 (tied embedding/lm_head) + 3200 (final norm) = 3,324,080,000.
describe('BitNet b1.58 3B config', () => {
  const spec = loadModel(modelPath('bitnet-b1.58-3b'));

  it('reads as a llama-like model with tied embeddings', () => {
    expect(spec.modelType).toBe('llama');
    expect(spec.tieEmbeddings).toBe(true);
    expect(spec.hidden).toBe(3200);
    expect(spec.intermediate).toBe(8640);
    expect(spec.layers).toBe(26);
    expect(spec.vocab).toBe(32002);
  });

  it('has exactly 3,324,080,000 parameters (published: 3.32B)', () => {
    const p = paramCounts(spec);
    expect(p.total).toBe(3_324_080_000);
    expect(Math.round(p.total / 1e7) / 100).toBe(3.32);
    // The BitLinear (ternary) weights are the decoder-layer GEMM weights.
    expect(p.layer).toBe(26 * (4 * 3200 * 3200 + 3 * 3200 * 8640));
  });

  it('decode graph has 7 layer GEMMs per layer plus the lm_head', () => {
    const g = buildGraph(spec, { phase: 'decode', batch: 1, context: 16 });
    const gemms = g.ops.filter((o) => o.kind === 'gemm');
    expect(gemms.filter((o) => o.kind === 'gemm' && o.weight === 'layer')).toHaveLength(26 * 7);
    expect(gemms.filter((o) => o.kind === 'gemm' && o.weight === 'aux')).toHaveLength(1);
  });
});
