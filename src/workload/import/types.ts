/**
 * Intermediate forms of the importers (docs/trace-import.md):
 *
 *   trace events ─┐                                    ┌─> patterns ─> ImportedOp[] ─┐
 *                 ├─> Prim[] (canonical op + shapes) ──┤                             ├─> assemble ─> OpGraph per pass
 *   ONNX nodes  ──┘                                    └─> passes + phase ───────────┘
 *
 * A Prim is one framework op after nesting de-duplication, named canonically (aten::addmm and
 * ONNX Gemm are both 'addmm'-like), with its input shapes and, where known, its output shape.
 */
import type { Op, Phase } from '../graph.ts';

export type Shape = number[];

/** Canonical op names both importers map onto; anything else is 'unknown'. */
export type PrimOp =
  // matrix work
  | 'linear'
  | 'matmul'
  | 'addmm'
  | 'bmm'
  | 'sdpa'
  // mixture-of-experts: grouped GEMMs over experts, fused expert kernels (vLLM / SGLang)
  | 'grouped_mm'
  | 'fused_moe'
  // tables, norms, softmax
  | 'embedding'
  | 'layer_norm'
  | 'rms_norm'
  | 'softmax'
  // elementwise arithmetic and activations
  | 'add'
  | 'mul'
  | 'neg'
  | 'pow'
  | 'rsqrt'
  | 'sqrt'
  | 'reciprocal'
  | 'unary'
  | 'silu'
  | 'sigmoid'
  | 'gelu'
  | 'relu'
  // reductions, selection
  | 'mean'
  | 'reduce'
  | 'topk'
  // data movement
  | 'cat'
  | 'copy'
  | 'cast'
  // no work: views and metadata; allocations and factories
  | 'view'
  | 'alloc'
  | 'unknown';

export type PrimSource = {
  /** 'torch-trace' | 'onnx'. */
  format: string;
  /** Framework op names folded into this op (aten::linear, ONNX MatMul …). */
  ops: string[];
  /** ONNX node names or trace event indices. */
  refs?: (string | number)[];
  /** Trace: microseconds of GPU kernels (or CPU time when the trace has none) of these ops. */
  timeUs?: number;
  /** An assumption the mapping made (e.g. an explicit attention mask taken as causal). */
  note?: string;
};

export interface Prim {
  op: PrimOp;
  /** The framework's name for it (aten::mm, MatMul): reported for unknown ops. */
  name: string;
  inputs: Shape[];
  output?: Shape;
  /** Scalar / constant arguments where the op needs them (pow exponent, is_causal, dim …). */
  args?: Record<string, number | boolean | string | number[]>;
  /** Which inputs are stored weights (ONNX initializers); undefined when the format cannot tell. */
  weightInputs?: boolean[];
  /** ONNX: tensor names read and written (dataflow deps); the trace has none. */
  inTensors?: string[];
  outTensors?: string[];
  /** ONNX: the initializer each input reads, if any (tied-embedding detection). */
  initializerNames?: (string | undefined)[];
  timeUs: number;
  ref: string | number;
  /** Trace: start time (µs), to place the op inside phase annotations. */
  ts?: number;
}

/** An op before assembly gives it an id, a phase, a layer, a class and deps. */
export type OpBody = Op extends infer O ? (O extends Op ? Omit<O, 'id' | 'name' | 'cls' | 'layer' | 'phase' | 'deps'> : never) : never;

export interface ImportedOp {
  body: OpBody;
  /** A hint for naming and classing: 'rotary', 'outer_product', 'kv_cache' … */
  role?: string;
  source: PrimSource;
  inTensors?: string[];
  outTensors?: string[];
  /** For GEMMs: the weight initializer, when the format names it (ONNX). */
  weightName?: string;
  /** For embeddings: the table initializer (ONNX). */
  tableName?: string;
  /** MoE expert GEMMs (role 'moe_expert'): how many experts' weights the op holds. */
  experts?: number;
  /** MoE expert GEMMs: the op's name in the layer (experts.gate_up_proj, experts.down_proj …). */
  expertName?: string;
}

/** One forward pass of the model found in the input (a prefill, or one decode step). */
export interface Pass {
  index: number;
  phase: Phase;
  /** How the phase was decided ('annotation: …', 'attention qLen 64 = kvLen 64' …). */
  phaseEvidence: string;
  ops: ImportedOp[];
}

export interface UnknownOpEntry {
  op: string;
  count: number;
  timeUs: number;
  /** Share of the input's total op time (0–1); null when the format carries no times (ONNX). */
  share: number | null;
}

export interface SkippedEntry {
  /** view: metadata only; alloc: allocations and factories; empty: ops on zero elements. */
  kind: 'view' | 'alloc' | 'empty';
  count: number;
  timeUs: number;
}

export interface ImportReport {
  format: 'torch-trace' | 'onnx';
  file: string;
  /** timeUs: the trace's own GPU kernel (else CPU) time of the pass's ops — measured, for comparison. */
  passes: { index: number; phase: Phase; evidence: string; ops: number; timeUs: number }[];
  unknown: UnknownOpEntry[];
  skipped: SkippedEntry[];
  /** Total op time the shares are relative to (µs); 0 for ONNX. */
  totalTimeUs: number;
  /** Times are GPU kernel time (true) or CPU op time (false: a trace without kernels, or ONNX). */
  hasKernels: boolean;
  warnings: string[];
}

export interface ImportOptions {
  /** The graph's meta.model (default: the file's base name). */
  name?: string;
  /** Unknown ops become an error instead of a report line. */
  strict?: boolean;
}
