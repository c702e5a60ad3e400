import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.ts';
import { paramCounts } from '../../src/workload/params.ts';
import { modelPath } from '../helpers.ts';

// Published parameter counts (model cards / HF `num_parameters()`), untied unless noted.
const PUBLISHED: Record<string, number> = {
  'llama-2-7b': 6_738_415_616,
  'llama-2-13b': 13_015_864_320,
  'llama-3-8b': 8_030_261_248,
  'llama-3-70b': 70_553_706_496,
  'mistral-7b': 7_241_732_096,
  'mixtral-8x7b': 46_702_792_704,
  'qwen2-0.5b': 494_032_768, // tied embeddings
  'qwen2-7b': 7_615_616_512,
  gpt2: 124_439_808, // tied, learned positions, biases
  'opt-1.3b': 1_315_758_080, // tied, learned positions offset by 2
};

describe('parameter counts from published config.json', () => {
  for (const [name, count] of Object.entries(PUBLISHED)) {
    it(`${name} has exactly ${count.toLocaleString('en')} parameters`, () => {
      expect(paramCounts(loadModel(modelPath(name))).total).toBe(count);
    });
  }
});
