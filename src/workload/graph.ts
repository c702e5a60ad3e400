/**
 * The OpGraph: typed LLM operators with shapes, dependencies, layer index and phase. Builders
 * (from Hugging Face configs) and importers (traces, ONNX) produce it; the engine consumes it.
 * Plain JSON: a graph can be written to disk and read back (schema: config/schemas/graph.ts).
 */
export type Phase = 'prefill' | 'decode';

/** Op classes: the rows of the per-class table in `simulate`. */
export type OpClass =
  | 'embedding'
  | 'qkv_proj'
  | 'rotary'
  | 'attention'
  | 'o_proj'
  | 'mlp'
  | 'moe_router'
  | 'activation'
  | 'norm'
  | 'residual'
  | 'lm_head'
  | 'other'
  /** Collectives and point-to-point transfers between devices (src/parallel/, src/collective/). */
  | 'communication';

export const OP_CLASSES: readonly OpClass[] = [
  'embedding',
  'norm',
  'qkv_proj',
  'rotary',
  'attention',
  'o_proj',
  'residual',
  'moe_router',
  'mlp',
  'activation',
  'lm_head',
  'other',
  'communication',
];

interface OpCommon {
  id: string;
  name: string;
  cls: OpClass;
  /** Decoder layer index; -1 for ops outside the layers (embedding, final norm, lm_head). */
  layer: number;
  phase: Phase;
  /** ids of the ops whose outputs this op reads. */
  deps: string[];
  /**
   * How many identical instances run (default 1). MoE expert GEMMs use the expected number of
   * distinct experts hit, which may be fractional; see workload/builders/decoder.ts.
   */
  count?: number;
  /** Where an imported op came from (trace events, ONNX nodes); not part of its shape. */
  source?: Record<string, unknown>;
}

/**
 * Which weight a GEMM's B operand is, if any; decides its storage format under a QuantScheme:
 * 'layer' weights take the scheme's weight format, 'aux' weights (lm_head, MoE router) stay in its
 * embeddings format (16-bit by default), 'none' means both operands are activations.
 */
export type WeightRole = 'none' | 'layer' | 'aux';

/** C[batch][m][n] = A[batch][m][k] · B[batch?][k][n]. */
export interface GemmOp extends OpCommon {
  kind: 'gemm';
  m: number;
  n: number;
  k: number;
  /** Independent GEMMs of this shape in one kernel (batched GEMM); weights are shared across it. */
  batch: number;
  weight: WeightRole;
  bias: boolean;
}

/**
 * One GEMM outside any graph (single-op benchmarks, `op`-style checks, tests): layer 0, no
 * dependencies, layer weights, no bias, batch 1 unless `fields` says otherwise.
 */
export function standaloneGemm(m: number, n: number, k: number, fields: Partial<Omit<GemmOp, 'kind' | 'm' | 'n' | 'k'>> = {}): GemmOp {
  return {
    id: 'g',
    name: 'gemm',
    cls: 'other',
    layer: 0,
    phase: 'prefill',
    deps: [],
    kind: 'gemm',
    m,
    n,
    k,
    batch: 1,
    weight: 'layer',
    bias: false,
    ...fields,
  };
}

/**
 * Scaled dot-product attention over a KV cache: QKᵀ, softmax, PV, plus appending the new keys
 * and values to the cache. kvLen counts every key attended (cached + new).
 */
export interface AttentionOp extends OpCommon {
  kind: 'attention';
  batch: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  qLen: number;
  kvLen: number;
  causal: boolean;
  /** Sliding-window size (Mistral); 0 means full attention. */
  window: number;
  /** Chunked attention (Llama 4): a query sees only keys of its own `chunk`-token block. */
  chunk?: number;
  /** Value width per head when it differs from the q/k width `headDim` (MLA). */
  vHeadDim?: number;
  /**
   * MLA absorbed form: one cached latent row per token serves as key (all `headDim` elements)
   * and value (its first `vHeadDim`), shared by every head (kvHeads = 1).
   */
  latentKv?: boolean;
  /** tanh soft-capping of the scores, cap·tanh(s/cap) (Gemma 2); 0 or absent = none. */
  logitSoftcap?: number;
  /** A learned sink logit per head joins each softmax row (gpt-oss). */
  sinks?: boolean;
}

export interface EmbeddingOp extends OpCommon {
  kind: 'embedding';
  tokens: number;
  dim: number;
  vocab: number;
}

export interface NormOp extends OpCommon {
  kind: 'norm';
  norm: 'rms' | 'layer';
  rows: number;
  dim: number;
}

export type ElementwiseFn = 'add' | 'mul' | 'silu_mul' | 'gelu' | 'relu' | 'silu' | 'rotary' | 'topk' | 'copy' | 'softcap';

export interface ElementwiseOp extends OpCommon {
  kind: 'elementwise';
  fn: ElementwiseFn;
  /** Output elements. */
  elements: number;
  /** Input tensors of `elements` each that the op reads. */
  inputs: number;
  /**
   * Set by a software stack's fusion pass (src/stack/kernel-graph.ts) when the kernel reads strided
   * views instead of contiguous tensors (the halves of a fused gate/up GEMM's output after `chunk`).
   */
  stridedInputs?: boolean;
}

export interface SoftmaxOp extends OpCommon {
  kind: 'softmax';
  rows: number;
  dim: number;
}

export type Op = GemmOp | AttentionOp | EmbeddingOp | NormOp | ElementwiseOp | SoftmaxOp;
export type OpKind = Op['kind'];
export const OP_KINDS: readonly OpKind[] = ['gemm', 'attention', 'embedding', 'norm', 'elementwise', 'softmax'];

/** What the graph knows about the model it came from: the memory footprint is computed from it. */
export interface GraphMeta {
  model: string;
  modelType: string;
  phase: Phase;
  batch: number;
  /** Prefill: tokens per sequence processed. */
  seq?: number;
  /** Decode: tokens already in the KV cache before this step. */
  context?: number;
  /** Tokens produced per step (decode: batch; prefill: batch·seq for throughput). */
  tokens: number;
  params: {
    total: number;
    /** Weights of the decoder layers that a weight QuantScheme quantizes (GEMM weights). */
    layer: number;
    /** Embedding tables, untied lm_head, learned positions: kept in the embedding format. */
    embedding: number;
    /** Norm gains, biases, router weights kept at 16 bits. */
    other: number;
    /** Multi-token-prediction modules (DeepSeek-V3), counted apart from `total`. */
    mtp?: number;
  };
  kv: {
    layers: number;
    kvHeads: number;
    headDim: number;
    /** Tokens per sequence held in the KV cache at the end of the step. */
    tokens: number;
    /**
     * Per-layer cache rows when layers differ (builders always set it): `layers` layers each
     * keep `elementsPerToken` elements per token (K+V, or MLA's latent), for at most `window`
     * tokens (sliding / chunked layers; 0 = every token). Without it the cache is
     * 2 · layers · kvHeads · headDim per token.
     */
    groups?: KvGroup[];
  };
  /** MLA models: which attention form the graph was built in (docs/workload.md). */
  attentionForm?: 'naive' | 'absorbed';
  maxPositionEmbeddings?: number;
}

export interface KvGroup {
  layers: number;
  elementsPerToken: number;
  window: number;
}

export interface OpGraph {
  meta: GraphMeta;
  ops: Op[];
}
