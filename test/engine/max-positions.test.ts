import { describe, expect, it } from 'vitest';
import { run } from '../../src/engine/run.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { buildFor, cli, makeArch, modelPath, archPath } from '../helpers.ts';

const h100 = makeArch('gpu/h100-sxm');
const q = parseQuantScheme('w16a16');
const warned = (ws: string[]) => ws.filter((w) => w.startsWith('positions beyond'));

describe('a step past max_position_embeddings warns (it was silent; generate already warned)', () => {
  it("decode: context 4095 holds 4096 tokens (fits Llama-2's 4096), context 4096 holds one more", () => {
    expect(warned(run(buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 4095 }), h100, q).warnings)).toEqual([]);
    expect(warned(run(buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 4096 }), h100, q).warnings)).toEqual([
      "positions beyond the model's max_position_embeddings (4096): the step holds 4097 tokens per sequence",
    ]);
  });

  it("prefill: seq 1024 fits GPT-2's 1024 learned positions, 1025 does not", () => {
    expect(warned(run(buildFor('gpt2', { phase: 'prefill', batch: 1, seq: 1024 }), h100, q).warnings)).toEqual([]);
    expect(warned(run(buildFor('gpt2', { phase: 'prefill', batch: 1, seq: 1025 }), h100, q).warnings)).toHaveLength(1);
  });

  it('the CLI prints it; generate keeps its own single warning', async () => {
    const r = await cli('simulate', '--arch', archPath('gpu/h100-sxm'), '--model', modelPath('llama-2-7b'), '--context', '8000');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: positions beyond the model's max_position_embeddings \(4096\)/m);
    const g = await cli(
      'simulate',
      '--arch',
      archPath('gpu/h100-sxm'),
      '--model',
      modelPath('llama-2-7b'),
      '--phase',
      'generate',
      '--prompt',
      '5000',
      '--output',
      '4',
    );
    expect(g.stderr.match(/max_position_embeddings/g)).toHaveLength(1);
  });
});
