/**
 * A software stack (`stacks/*.json`), declared once: the TypeScript type (`Static<…>`) and the
 * strict JSON Schema come from the declarations below (docs/models/software-stacks.md).
 *
 * A stack says how a framework turns a model's ops into kernels on a device: which ops run as one
 * kernel (`fusions`), the kernels that write the KV cache, the attention backend per phase with
 * its tile mechanism, the GEMM kernel family per (activation dtype, weight format) with the tile
 * family each uses, and how kernels are issued (`launch`: eager host launches, one CUDA-graph
 * replay, or a device runtime). Its numeric knobs are declared in factors.ts (`calibration`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../arch/typebox.ts';
import { calibrationSchema } from '../arch/calibration.ts';
import { STACK_FACTORS } from './factors.ts';
import { validationSchema, type Validation } from '../arch/validation.ts';

const posInt = (description: string) => Type.Integer({ minimum: 1, description });
const COMPUTE_DTYPES = ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp6', 'fp4', 'int8', 'int4', 'int2', 'int1', 'ternary'] as const;
export const HARDWARE_KINDS = ['gpu-tensor-core', 'fpga-dsp-chain', 'pim-dram', 'lut-tensor-core'] as const;
export const LAUNCH_MODES = ['eager', 'cuda-graph', 'runtime'] as const;
export type LaunchMode = (typeof LAUNCH_MODES)[number];
/** MMA instruction a kernel is built on: Hopper `wgmma` (warp-group, async) or the `mma.sync` of sm80-style kernels. */
export const MMA_INSTRUCTIONS = ['wgmma', 'mma.sync'] as const;
export type MmaInstruction = (typeof MMA_INSTRUCTIONS)[number];

export const stackTileSchema = Type.Object(
  {
    m: posInt('CTA tile rows (M).'),
    n: posInt('CTA tile columns (N).'),
    k: posInt('K per main-loop step.'),
    stages: posInt('Shared-memory pipeline stages.'),
    clusterM: Type.Optional(posInt('CTAs of a thread-block cluster along M sharing (multicasting) one B tile load.')),
    clusterN: Type.Optional(posInt('CTAs of a cluster along N sharing one A tile load.')),
    warpM: Type.Optional(posInt('Rows one MMA-issuing warp owns.')),
    warpN: Type.Optional(posInt('Columns one MMA-issuing warp owns.')),
  },
  { additionalProperties: false },
);

export const gemmFamilySchema = Type.Object(
  {
    family: Type.String({ minLength: 1, description: "Kernel family name as the framework calls it (e.g. 'cublas', 'cublaslt-imma', 'marlin', 'awq-gemv')." }),
    activations: Type.Optional(
      Type.Array(Enum(COMPUTE_DTYPES), { minItems: 1, uniqueItems: true, description: 'Activation compute dtypes this family serves (absent: any).' }),
    ),
    weightBits: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 64 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Weight element bits this family serves (absent: any).',
      }),
    ),
    maxM: Type.Optional(posInt('Largest M (tokens) this family serves; larger GEMMs fall through to the next entry.')),
    kernel: Enum(['tensor-core', 'cuda-core-gemv'] as const, {
      description: "'tensor-core': CTA tiles over the MMA units; 'cuda-core-gemv': a GEMV on the CUDA cores that dequantizes each weight in its inner loop.",
    }),
    instruction: Type.Optional(
      Enum(MMA_INSTRUCTIONS, { description: "tensor-core families: MMA instruction of the kernels (default 'wgmma' where the device has it)." }),
    ),
    tiles: Type.Optional(
      Type.Array(stackTileSchema, {
        minItems: 1,
        description: "tensor-core families: the library's CTA tile configurations (absent: the arch config's own tiles).",
      }),
    ),
    splitK: Type.Optional(Type.Boolean({ description: 'Whether the library splits K when tiles alone cannot fill the device (default true).' })),
    minM: Type.Optional(posInt('Rows the kernel runs on at least (M padded up to it).')),
    outputBytes: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 8,
        description: 'Bytes per output element (int32 accumulators written out: 4); default the activation storage size.',
      }),
    ),
    opsPerWeight: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'cuda-core-gemv: CUDA-core instructions per weight per activation row (unpack, convert, scale, FMA).' }),
    ),
    dequantOpsPerWeight: Type.Optional(
      Type.Number({
        minimum: 0,
        description:
          'cuda-core-gemv: CUDA-core instructions per weight done once for all activation rows (a kernel that dequantizes a weight into registers before its loop over rows); opsPerWeight then counts the per-row work only. Absent: 0.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const attentionBackendSchema = Type.Object(
  {
    backend: Type.String({
      minLength: 1,
      description: "Backend name ('flash-attention-2', 'flash-attention-3', 'cudnn', 'flash-decoding', 'paged-attention', …).",
    }),
    instruction: Enum(MMA_INSTRUCTIONS, { description: 'MMA instruction the backend is built on.' }),
    blockQ: posInt('Query rows per CTA.'),
    blockKv: posInt('Keys per inner iteration.'),
    blockKvNonCausal: Type.Optional(
      posInt('prefill without a mask (no causal mask, window or chunk): keys per inner iteration when the kernel picks a wider block there; absent: blockKv.'),
    ),
    softmaxOverlap: Type.Boolean({ description: 'The softmax of one block runs beside the MMAs of another (FlashAttention-3 ping-pong); false: in turn.' }),
    intraWarpgroupPipeline: Type.Optional(
      Type.Boolean({
        description:
          "with softmaxOverlap: GEMM-II (P·V) of the previous block issued beside GEMM-I of this one, under the warpgroup's own softmax (FlashAttention-3 IntraWGOverlap); default true.",
      }),
    ),
    splitKv: Type.Optional(Type.Boolean({ description: 'decode: the KV sequence is split across CTAs with a combine kernel (flash-decoding); default true.' })),
    minKeysPerSplit: Type.Optional(posInt('decode: fewest keys one KV split processes.')),
    mmaRows: Type.Optional(
      posInt(
        "decode: rows of the backend's MMA tile that a KV head's query rows are padded to (16 for a kernel whose warps each own an m16n8k16 mma.sync tile); absent: the device's smallest dense tile height (wgmma m64 on Hopper).",
      ),
    ),
  },
  { additionalProperties: false },
);

export const stackSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    kinds: Type.Array(Enum(HARDWARE_KINDS), { minItems: 1, uniqueItems: true, description: 'Hardware kinds this stack runs on.' }),
    launch: Enum(LAUNCH_MODES, {
      description:
        "'eager': the host issues every kernel (step = max(host, device) per kernel stream); 'cuda-graph': one replay, kernels back to back with a gap; 'runtime': a device runtime issues one command per kernel.",
    }),
    fusions: Type.Object(
      {
        qkv: Type.Boolean({ description: 'q, k and v projections run as one GEMM (input read once, one kernel).' }),
        gateUp: Type.Boolean({ description: 'gate and up projections run as one GEMM.' }),
        residualNorm: Type.Boolean({ description: 'The residual add runs inside the next norm kernel.' }),
        activation: Enum(['separate', 'one-kernel', 'gemm-epilogue'] as const, {
          description:
            "silu(gate)·up: 'separate' (an activation kernel and a multiply kernel), 'one-kernel' (silu_and_mul), 'gemm-epilogue' (inside the gate/up GEMM).",
        }),
        rotary: Enum(['kernels', 'attention'] as const, { description: 'rotary embedding: its own kernel(s), or applied inside the attention kernel.' }),
        bias: Type.Optional(
          Enum(['epilogue', 'separate'] as const, {
            description:
              "a projection's bias: added in the GEMM's epilogue (absent: the default), or 'separate': one more kernel after the GEMM (a framework add on its output, e.g. TinyChat's WQLinear: out + bias).",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    kvCacheWrite: Type.Object(
      {
        kernels: Type.Integer({
          minimum: 0,
          maximum: 4,
          description: 'Kernels per layer per step that write the new keys and values into the cache (0: written by the attention or projection kernel).',
        }),
      },
      { additionalProperties: false },
    ),
    elementwise: Type.Optional(
      Type.Object(
        {
          strided: Type.Object(
            {
              kernel: Type.String({
                minLength: 1,
                description: "The framework's loop for elementwise ops on non-contiguous (strided) tensors, as it names it.",
              }),
              elementsPerThread: posInt('Elements one thread handles, one after another, when the output element is narrower than 4 bytes.'),
              elementsPerThreadWide: posInt('The same for outputs of 4 bytes or more.'),
              elementsInFlightPerThread: posInt(
                "Elements whose loads one thread has outstanding at once (1: each element is loaded, computed and stored before the next one's loads issue).",
              ),
            },
            { additionalProperties: false },
          ),
        },
        {
          additionalProperties: false,
          description:
            "gpu-tensor-core: how the framework's elementwise kernels read strided views (the halves of a fused gate/up GEMM's output after chunk). Absent: every elementwise kernel streams at the device's bandwidth.",
        },
      ),
    ),
    attention: Type.Optional(
      Type.Object(
        { prefill: attentionBackendSchema, decode: attentionBackendSchema },
        { additionalProperties: false, description: 'gpu-tensor-core: the attention backend per phase.' },
      ),
    ),
    gemm: Type.Optional(
      Type.Array(gemmFamilySchema, {
        minItems: 1,
        description: 'gpu-tensor-core: GEMM kernel families, first match wins (activation dtype, weight bits, M); none: the arch tiles as they are.',
      }),
    ),
    calibration: Type.Optional(Type.Unsafe<Record<string, { value: number; source: string; description?: string }>>(calibrationSchema(STACK_FACTORS))),
    sources: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
      description: 'Where each value comes from: JSON pointer → framework file, URL or paper section.',
    }),
    validation: Type.Optional(Type.Unsafe<Validation>(validationSchema)),
  },
  { additionalProperties: false },
);

export type Stack = Static<typeof stackSchema>;
export type GemmFamily = Static<typeof gemmFamilySchema>;
export type AttentionBackend = Static<typeof attentionBackendSchema>;
export type StackTile = Static<typeof stackTileSchema>;
export type StridedLoop = NonNullable<Stack['elementwise']>['strided'];
