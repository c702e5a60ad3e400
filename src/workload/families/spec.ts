/**
 * ModelSpec: what the builders, parameter counts and KV-cache sizing need to know about a
 * decoder-only model, whatever family's config.json it came from. Each family file under
 * families/ maps its own keys onto it; `baseSpec` holds the plain pre-norm Llama defaults.
 */

/** Mixture-of-experts MLP (Mixtral, Qwen-MoE, DeepSeekMoE, gpt-oss, Llama 4). */
export interface MoeSpec {
  /** Routed experts and how many each token picks. */
  experts: number;
  topK: number;
  /** Intermediate size of one routed expert. */
  intermediate: number;
  /** Intermediate size of the always-on shared expert MLP (all shared experts together); 0 = none. */
  sharedIntermediate: number;
  /** Qwen2-MoE: sigmoid(Linear(h, 1)) scales the shared expert's output. */
  sharedGate: boolean;
  /** gpt-oss: the router and every expert projection carry biases. */
  routerBias: boolean;
  expertBias: boolean;
  /** DeepSeek-V3 (noaux_tc): a per-expert score-correction bias in the router. */
  scoreCorrectionBias: boolean;
  /** Layers that keep a dense MLP (first_k_dense_replace, mlp_only_layers, decoder_sparse_step). */
  denseLayers: number[];
  /** Intermediate size of those dense MLPs. */
  denseIntermediate: number;
  /**
   * Expert capacity factor (GShard/Switch): an expert takes at most ceil(factor · T·k / E) tokens
   * per step; the rest are dropped. 0 = no capacity limit (how inference stacks run).
   */
  capacityFactor: number;
}

/** Multi-head latent attention (DeepSeek-V2/V3). */
export interface MlaSpec {
  /** Query down-projection rank; 0 = a plain q_proj (DeepSeek-V2-Lite). */
  qLoraRank: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** How one layer attends: window = sliding window in keys, chunk = chunked attention (Llama 4); 0 = off. */
export interface LayerAttention {
  window: number;
  chunk: number;
}

export interface ModelSpec {
  name: string;
  modelType: string;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  /** Per-head dimension, independent of hidden / heads (Gemma, Qwen3, gpt-oss set `head_dim`). */
  headDim: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  norm: 'rms' | 'layer';
  /** MLP activation; gated MLPs (SwiGLU / GeGLU) multiply act(gate) by up. */
  act: 'silu' | 'gelu' | 'relu';
  gatedMlp: boolean;
  qkvBias: boolean;
  oBias: boolean;
  mlpBias: boolean;
  /** Rows of a learned position table (GPT-2, OPT); 0 for rotary models. */
  learnedPositions: number;
  rotary: boolean;
  tieEmbeddings: boolean;
  /** OPT's word_embed_proj_dim when it differs from hidden (project_in / project_out). */
  embedDim: number;
  /** Mistral-style sliding window applied to every layer (0 = none); see layerAttention. */
  slidingWindow: number;
  /** Per-layer attention span (length = layers). */
  layerAttention: LayerAttention[];
  /** Norms around the blocks: pre (Llama), pre+post (Gemma 2/3), post only (OLMo 2). */
  norms: { preAttn: boolean; postAttn: boolean; preMlp: boolean; postMlp: boolean };
  /** Falcon: attention and MLP read the same normed input and add into one residual. */
  parallelBlock: boolean;
  /** Falcon's new decoder architecture: separate ln_attn and ln_mlp for the parallel block. */
  parallelNorms: 1 | 2;
  /**
   * q/k normalization before rotary: 'head' = RMSNorm over each head (Qwen3, Gemma 3), 'full' =
   * RMSNorm over all q / all k (OLMo 2), 'l2' = weightless L2 norm (Llama 4, rope layers only).
   */
  qkNorm: 'none' | 'head' | 'full' | 'l2';
  /** tanh soft-capping of attention scores / final logits (Gemma 2): cap·tanh(x/cap); 0 = off. */
  attnLogitSoftcap: number;
  finalLogitSoftcap: number;
  /** gpt-oss: a learned sink logit per head joins every softmax. */
  attnSinks: boolean;
  /** Gemma: embeddings are scaled by sqrt(hidden) (one multiply per element). */
  embedScale: boolean;
  /** Phi-3: one fused qkv_proj GEMM; Falcon: query_key_value. */
  fusedQkv: boolean;
  /** Phi-3: one fused gate_up_proj GEMM. */
  fusedGateUp: boolean;
  moe: MoeSpec | null;
  mla: MlaSpec | null;
  /** DeepSeek-V3 multi-token-prediction modules: counted apart from the main model. */
  mtpLayers: number;
  /** Llama 4: RoPE only on these layers (others are NoPE); undefined = every layer when rotary. */
  ropeLayers?: boolean[];
}

export function baseSpec(
  fields: Pick<ModelSpec, 'name' | 'modelType' | 'hidden' | 'layers' | 'heads' | 'kvHeads' | 'headDim' | 'intermediate' | 'vocab'> & Partial<ModelSpec>,
): ModelSpec {
  const layers = fields.layers;
  const window = fields.slidingWindow ?? 0;
  return {
    maxPositions: 0,
    norm: 'rms',
    act: 'silu',
    gatedMlp: true,
    qkvBias: false,
    oBias: false,
    mlpBias: false,
    learnedPositions: 0,
    rotary: true,
    tieEmbeddings: false,
    embedDim: fields.hidden,
    slidingWindow: window,
    layerAttention: Array.from({ length: layers }, () => ({ window, chunk: 0 })),
    norms: { preAttn: true, postAttn: false, preMlp: true, postMlp: false },
    parallelBlock: false,
    parallelNorms: 1,
    qkNorm: 'none',
    attnLogitSoftcap: 0,
    finalLogitSoftcap: 0,
    attnSinks: false,
    embedScale: false,
    fusedQkv: false,
    fusedGateUp: false,
    moe: null,
    mla: null,
    mtpLayers: 0,
    ...fields,
  };
}

/** A MoE spec with no shared expert, biases or dense layers (Mixtral-style). */
export function plainMoe(experts: number, topK: number, intermediate: number, extra: Partial<MoeSpec> = {}): MoeSpec {
  return {
    experts,
    topK,
    intermediate,
    sharedIntermediate: 0,
    sharedGate: false,
    routerBias: false,
    expertBias: false,
    scoreCorrectionBias: false,
    denseLayers: [],
    denseIntermediate: 0,
    capacityFactor: 0,
    ...extra,
  };
}

export function isMoeLayer(s: ModelSpec, layer: number): boolean {
  return s.moe !== null && !s.moe.denseLayers.includes(layer);
}
