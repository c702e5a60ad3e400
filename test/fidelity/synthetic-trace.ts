/**
 * Synthetic PyTorch profiler traces for the trace compare and calibrate tests (no PyTorch here).
 * Events follow what `torch.profiler` + `export_chrome_trace` write (the real trace in
 * test/fixtures/traces/ is the template): CPU ops are `"cat": "cpu_op"` complete events with
 * `Input Dims`, `Input type`, `Concrete Inputs` and an `External id`, nested by their time
 * intervals; GPU kernels are `"cat": "kernel"` events carrying the External id of the op that
 * launched them — for aten::linear the aten::mm inside it (linear → t, matmul → mm), for SDPA
 * the backend op inside it. Operator semantics (argument order) are PyTorch's documented
 * signatures: linear(input, weight[out, in], bias), embedding(weight, indices, padding_idx, …),
 * scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa),
 * rms_norm(input, normalized_shape, weight, eps).
 *
 * Every kernel duration is given by the caller, so tests know the measured time of each op exactly.
 */

export interface DecoderShape {
  batch: number;
  /** Query tokens per sequence (prefill: the prompt; decode: 1). */
  qLen: number;
  /** Keys attended (prefill: qLen; decode: cached + 1). */
  kvLen: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  inter: number;
  vocab: number;
  layers: number;
}

/** One framework op as the trace records it, with the op inside it that launches its kernels. */
export interface SynthOp {
  name: string;
  dims: (number[] | number[][])[];
  types: string[];
  concrete: string[];
  /** The op that launches the kernels (nested in this one), if not this op itself. */
  inner?: { name: string; dims: number[][] };
}

const BF16 = 'c10::BFloat16';

/** The ops of one decoder forward pass in launch order (what the importer maps 1:1 onto graph ops). */
export function decoderPassOps(s: DecoderShape): SynthOp[] {
  const T = [s.batch, s.qLen];
  const x = [s.batch, s.qLen, s.hidden];
  const linear = (k: number, n: number, rows = x): SynthOp => ({
    name: 'aten::linear',
    dims: [[...rows.slice(0, -1), k], [n, k], []],
    types: [BF16, BF16, ''],
    concrete: ['', '', ''],
    inner: {
      name: 'aten::mm',
      dims: [
        [rows.slice(0, -1).reduce((a, b) => a * b, 1), k],
        [k, n],
      ],
    },
  });
  const rms = (): SynthOp => ({
    name: 'aten::rms_norm',
    dims: [x, [], [s.hidden], []],
    types: [BF16, '', BF16, 'Scalar'],
    concrete: ['', `[${s.hidden}]`, '', '1e-06'],
  });
  const ew = (name: string, shape: number[], inputs = 2): SynthOp => ({
    name,
    dims: Array.from({ length: inputs }, () => shape),
    types: Array.from({ length: inputs }, () => BF16),
    concrete: Array.from({ length: inputs }, () => ''),
  });
  const ops: SynthOp[] = [
    {
      name: 'aten::embedding',
      dims: [[s.vocab, s.hidden], T, [], [], []],
      types: [BF16, 'long int', 'Scalar', 'Scalar', 'Scalar'],
      concrete: ['', '', '-1', 'False', 'False'],
    },
  ];
  for (let l = 0; l < s.layers; l++) {
    const causal = s.qLen === s.kvLen && s.qLen > 1 ? 'True' : 'False';
    ops.push(
      rms(),
      linear(s.hidden, s.heads * s.headDim),
      linear(s.hidden, s.kvHeads * s.headDim),
      linear(s.hidden, s.kvHeads * s.headDim),
      {
        name: 'aten::scaled_dot_product_attention',
        dims: [[s.batch, s.heads, s.qLen, s.headDim], [s.batch, s.kvHeads, s.kvLen, s.headDim], [s.batch, s.kvHeads, s.kvLen, s.headDim], [], [], [], [], []],
        types: [BF16, BF16, BF16, '', 'Scalar', 'Scalar', 'Scalar', 'Scalar'],
        concrete: ['', '', '', '', '0.', causal, String(1 / Math.sqrt(s.headDim)), 'True'],
        inner: {
          name: 'aten::_scaled_dot_product_flash_attention',
          dims: [
            [s.batch, s.heads, s.qLen, s.headDim],
            [s.batch, s.kvHeads, s.kvLen, s.headDim],
            [s.batch, s.kvHeads, s.kvLen, s.headDim],
          ],
        },
      },
      linear(s.heads * s.headDim, s.hidden),
      ew('aten::add', x),
      rms(),
      linear(s.hidden, s.inter),
      linear(s.hidden, s.inter),
      ew('aten::silu', [s.batch, s.qLen, s.inter], 1),
      ew('aten::mul', [s.batch, s.qLen, s.inter]),
      linear(s.inter, s.hidden),
      ew('aten::add', x),
    );
  }
  ops.push(rms(), linear(s.hidden, s.vocab));
  return ops;
}

export interface SynthPass {
  ops: SynthOp[];
  /** Kernel durations (µs) launched under each op: one list per op; [] = no kernel. */
  kernelsUs: number[][];
  /** A `record_function` annotation around the pass (e.g. 'accelscope:prefill'). */
  annotation?: string;
  /** GPU idle time between consecutive kernels of the pass (µs; default 1). */
  gapUs?: number;
}

/** The Chrome trace document of the passes, in order. */
export function chromeTrace(passes: SynthPass[]): { traceEvents: object[] } {
  const events: object[] = [];
  let ts = 1_000_000;
  let ext = 1;
  let gpuTs = 2_000_000;
  const cpu = (name: string, start: number, dur: number, dims: unknown[], types: string[], concrete: string[], id: number) => ({
    ph: 'X',
    cat: 'cpu_op',
    name,
    pid: 100,
    tid: 100,
    ts: start,
    dur,
    args: { 'External id': id, 'Input Dims': dims, 'Input type': types, 'Concrete Inputs': concrete },
  });
  for (const p of passes) {
    if (p.kernelsUs.length !== p.ops.length) throw new Error('one kernel list per op');
    const start = ts;
    p.ops.forEach((op, i) => {
      const outer = ext++;
      events.push(cpu(op.name, ts, 20, op.dims, op.types, op.concrete, outer));
      let launcher = outer;
      if (op.inner) {
        launcher = ext++;
        events.push(
          cpu(
            op.inner.name,
            ts + 5,
            10,
            op.inner.dims,
            op.inner.dims.map(() => BF16),
            op.inner.dims.map(() => ''),
            launcher,
          ),
        );
      }
      for (const dur of p.kernelsUs[i]!) {
        events.push({
          ph: 'X',
          cat: 'kernel',
          name: `synthetic_kernel_${launcher}`,
          pid: 0,
          tid: 7,
          ts: gpuTs,
          dur,
          args: { 'External id': launcher, stream: 7, correlation: launcher },
        });
        gpuTs += dur + (p.gapUs ?? 1);
      }
      ts += 30;
    });
    if (p.annotation) events.push({ ph: 'X', cat: 'user_annotation', name: p.annotation, pid: 100, tid: 100, ts: start - 1, dur: ts - start + 1, args: {} });
    ts += 100;
    gpuTs += 1000;
  }
  return { traceEvents: events };
}
