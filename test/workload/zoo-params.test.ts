import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.ts';
import { layerParams, paramCounts } from '../../src/workload/params.ts';
import { modelPath } from '../helpers.ts';

/**
 * Published parameter counts of the model-zoo families (tied embeddings counted once).
 * Sources: keras-hub presets' `params` metadata (keras_hub/src/models/<family>/*_presets.py),
 * which is the count of the converted Hugging Face checkpoint; the Hugging Face model API
 * `safetensors.total`; DeepSeek's README_WEIGHTS.md.
 */
const PUBLISHED: Record<string, [number, string]> = {
  'phi-3-mini-4k-instruct': [3_821_079_552, 'keras-hub phi3_mini_4k_instruct_en params'],
  'gemma-2-9b': [9_241_705_984, 'keras-hub gemma2_9b_en params (tied head)'],
  'gemma-3-1b': [999_885_952, 'keras-hub gemma3_1b params (tied head)'],
  'qwen3-8b': [8_190_735_360, 'keras-hub qwen3_8b_en params'],
  'qwen1.5-moe-a2.7b': [14_315_784_192, 'keras-hub qwen1.5_moe_2.7b_en params (Qwen/Qwen1.5-MoE-A2.7B)'],
  'qwen3-30b-a3b': [30_532_122_624, 'keras-hub qwen3_moe_30b_a3b_en params'],
  'deepseek-v2-lite': [15_706_484_224, 'HF deepseek-ai/DeepSeek-V2-Lite safetensors total'],
  'deepseek-v3': [671_026_419_200, 'main model (61 layers, no MTP), DeepSeek README_WEIGHTS.md "671B"; exact checkpoint tensor count without FP8 scales'],
  'gpt-oss-20b': [20_914_757_184, 'keras-hub gpt_oss_20b_en params; OpenAI gpt-oss model card Table 1: 20.91B'],
  'olmo-2-7b': [7_298_617_344, 'HF allenai/OLMo-2-1124-7B safetensors total'],
};

describe('model zoo: parameter counts from published config.json', () => {
  for (const [name, [count, source]] of Object.entries(PUBLISHED)) {
    it(`${name} has exactly ${count.toLocaleString('en')} parameters (${source})`, () => {
      expect(paramCounts(loadModel(modelPath(name))).total).toBe(count);
    });
  }

  it('gemma-3-4b (gemma3, text_config form): the language model only, vocab 262,208', () => {
    // keras-hub gemma3_4b_text counts 3,880,099,328 with a 262,144-row vocabulary; the HF
    // text_config (transformers default vocab_size 262,208) adds 64 tied rows of 2560.
    const s = loadModel(modelPath('gemma-3-4b'));
    expect(s.modelType).toBe('gemma3');
    expect(s.vocab).toBe(262_208);
    expect(paramCounts(s).total).toBe(3_880_099_328 + 64 * 2560);
  });

  it('falcon-7b: 7,217,189,760 in the checkpoint counts the tied lm_head twice; once here', () => {
    // tiiuae/falcon-7b checkpoint size 7,217,189,760 stores lm_head beside the (tied) embedding.
    expect(paramCounts(loadModel(modelPath('falcon-7b'))).total).toBe(7_217_189_760 - 65_024 * 4544);
  });

  it('llama-4-scout text model: 107.77B (llama.cpp llama-bench "Llama4 17Bx16E (Scout)" params; Meta\'s 109B includes vision)', () => {
    const s = loadModel(modelPath('llama-4-scout-text'));
    const p = paramCounts(s);
    const attn = 2 * 5120 * 5120 + 2 * 5120 * 1024;
    const moe = 16 * 3 * 5120 * 8192 + 3 * 5120 * 8192 + 5120 * 16; // routed + shared + router
    expect(p.total).toBe(48 * (attn + moe + 2 * 5120) + 2 * 202_048 * 5120 + 5120);
    expect(p.total).toBe(107_769_861_120);
    expect((p.total / 1e9).toFixed(2)).toBe('107.77');
  });

  it('DeepSeek-V3 MTP module counted apart: eh_proj, three norms and one more MoE layer', () => {
    const s = loadModel(modelPath('deepseek-v3'));
    const p = paramCounts(s);
    const last = layerParams(s, 60);
    expect(p.mtp).toBe(2 * 7168 * 7168 + 3 * 7168 + last.layer + last.other);
    // DeepSeek README_WEIGHTS.md: "11.5B unique parameters" (embedding and head shared).
    expect(p.mtp! / 1e9).toBeCloseTo(11.6, 1);
    expect(p.total).toBe(671_026_419_200);
  });
});
