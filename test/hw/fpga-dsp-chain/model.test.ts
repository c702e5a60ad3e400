import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ROOT, archPath, buildFor, cli, makeArch, userError } from '../../helpers.ts';
import { loadArch, loadQuant } from '../../../src/config/load.ts';
import { run } from '../../../src/engine/run.ts';
import { fpgaDspChainModel, simulateFpga } from '../../../src/hw/fpga-dsp-chain/model.ts';
import type { FpgaArchConfig } from '../../../src/hw/fpga-dsp-chain/config.ts';
import type { GemmOp, NormOp, Op } from '../../../src/workload/graph.ts';
import { opMacs, opTraffic } from '../../../src/workload/ops.ts';
import { parseQuantScheme } from '../../../src/quant/scheme.ts';
import { InfeasibleError } from '../../../src/util/errors.ts';

const U280 = 'fpga/u280-flightllm';
const VHK158 = 'fpga/vhk158-flightllm';
const QUANT = resolve(ROOT, 'workloads/quant/flightllm-w4a8.json');
const q = loadQuant(QUANT);

function gemm(over: Partial<GemmOp> = {}): GemmOp {
  return {
    id: 'g',
    name: 'v_proj',
    kind: 'gemm',
    cls: 'qkv_proj',
    layer: 0,
    phase: 'decode',
    deps: [],
    m: 1,
    n: 4096,
    k: 4096,
    batch: 1,
    weight: 'layer',
    bias: false,
    ...over,
  };
}
function norm(dim: number): NormOp {
  return { id: 'n', name: 'input_layernorm', kind: 'norm', cls: 'norm', layer: 0, phase: 'decode', deps: [], norm: 'rms', rows: 1, dim };
}
function arch(over: object = {}, rel = U280): FpgaArchConfig {
  return makeArch<FpgaArchConfig>(rel, over);
}
const catchErr = userError;

describe('presets', () => {
  it('both FlightLLM presets validate with the model schema and the resource check', () => {
    for (const rel of [U280, VHK158]) expect(loadArch(archPath(rel)).kind).toBe('fpga-dsp-chain');
  });
});

describe('hand derivation (docs/models/fpga-dsp-chain.md)', () => {
  // LLaMA-2-7B decode, batch 1, context 511 (kvLen 512), flightllm-w4a8, U280 preset: layer 0.
  const HAND: Record<string, number> = {
    input_layernorm: 267,
    q_proj: 11026,
    k_proj: 11026,
    v_proj: 7900,
    rotary_emb: 267,
    self_attn: 4052,
    o_proj: 7900,
    attn_residual: 182,
    post_attention_layernorm: 267,
    gate_proj: 21089,
    up_proj: 21089,
    act_mul: 326,
    down_proj: 21089,
    mlp_residual: 182,
  };
  it('gives exactly the cycles derived by hand, op by op and in total (106,662)', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 511 }), loadArch(archPath(U280)), q);
    const layer0 = r.ops.filter((o) => o.layer === 0);
    expect(Object.fromEntries(layer0.map((o) => [o.name, o.cycles]))).toEqual(HAND);
    expect(layer0.reduce((s, o) => s + o.cycles, 0)).toBe(106662);
  });
});

describe('DSP chain', () => {
  it('chainLengthPlusOne: N vs N+1 DSPs changes latency by exactly one cascade stage', () => {
    // One core, a tile whose stream cycles do not change (n ≤ columns per pass, k ≤ chain length).
    const op = gemm({ n: 32, k: 16 });
    const c16 = arch({ fpga: { accelerator: { cores: 1, mpe: { chainLength: 16 } } } });
    const c17 = arch({ fpga: { accelerator: { cores: 1, mpe: { chainLength: 17 } } } });
    const r16 = simulateFpga(op, c16, q);
    const r17 = simulateFpga(op, c17, q);
    expect(r16.breakdown!['streamCycles']).toBe(r17.breakdown!['streamCycles']);
    expect(r17.cycles - r16.cycles).toBe(1);
  });

  it('fill and drain are chainLength + extraPipelineStages cycles per op', () => {
    const c = arch({ fpga: { accelerator: { cores: 1 } } });
    const r = simulateFpga(gemm({ n: 32, k: 16 }), c, q);
    expect(r.breakdown!['fixedCycles']).toBe(16 + 4);
  });

  it('matrix-vector columns per pass are limited by the weight port: 64 at INT4, 32 at INT8', () => {
    const c = arch();
    expect(simulateFpga(gemm(), c, q).breakdown!['colsPerPass']).toBe(64);
    expect(simulateFpga(gemm(), c, parseQuantScheme('w8a8')).breakdown!['colsPerPass']).toBe(32);
  });

  it('INT8 packing: two products per DSP48E2 double the matrix-matrix rate', () => {
    const op = gemm({ m: 256, n: 4096, k: 4096, phase: 'prefill' });
    const two = simulateFpga(op, arch(), q).breakdown!['streamCycles']!;
    const one = simulateFpga(op, arch({ fpga: { accelerator: { mpe: { productsPerDsp: { int8: 1 } } } } }), q).breakdown!['streamCycles']!;
    expect(one).toBe(2 * two);
  });

  it('formats: fp16 has no DSP datapath here, int8 does', () => {
    const e = catchErr(() => simulateFpga(gemm(), arch(), parseQuantScheme('w16a16')));
    expect(e).toBeInstanceOf(InfeasibleError);
    expect(e.message).toContain('no fp16 datapath');
    expect(e.pointer).toBe('/fpga/accelerator/mpe/productsPerDsp');
    expect(simulateFpga(gemm(), arch(), parseQuantScheme('w8a8')).dtype).toBe('int8');
  });
});

describe('sparse DSP chain', () => {
  const sparse24 = { fpga: { accelerator: { sparsity: [{ ops: ['v_proj'], pattern: 'nm', n: 2, m: 4, indexBits: 2 }] } } };
  it('2:4 halves MAC work and stream cycles but not the traffic: the index stays', () => {
    const op = gemm();
    const dense = simulateFpga(op, arch({ fpga: { accelerator: { sparsity: [] } } }), q);
    const s = simulateFpga(op, arch(sparse24), q);
    expect(s.breakdown!['usefulMacs']).toBe(opMacs(op) / 2);
    expect(s.breakdown!['skippedMacs']).toBe(opMacs(op) / 2);
    expect(s.breakdown!['streamCycles']).toBe(dense.breakdown!['streamCycles']! / 2);
    // 4-bit weights: dense 0.5 B/weight; 2:4 keeps half at 0.5 B plus a 2-bit index each.
    expect(s.breakdown!['indexBytes']).toBe((4096 * 4096 * 0.5 * 2) / 8);
    expect(s.breakdown!['hbmBytes']).toBe(dense.breakdown!['hbmBytes']! * 0.75);
  });

  it('block sparsity: index per block, work by block density', () => {
    const s = simulateFpga(
      gemm(),
      arch({ fpga: { accelerator: { sparsity: [{ ops: ['v_proj'], pattern: 'block', blockSize: 64, density: 0.5, indexBitsPerBlock: 1 }] } } }),
      q,
    );
    expect(s.breakdown!['indexBytes']).toBe((64 * 64) / 8);
    expect(s.breakdown!['usefulMacs']).toBe(4096 * 4096 * 0.5);
  });

  it('sparsity follows the op name through the engine memo (q_proj sparse, v_proj dense, same shape)', () => {
    const r = run(buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 64 }), loadArch(archPath(U280)), q);
    const qOp = r.ops.find((o) => o.name === 'q_proj')!;
    const vOp = r.ops.find((o) => o.name === 'v_proj')!;
    expect(qOp.breakdown!['indexBytes']).toBeGreaterThan(0);
    expect(vOp.breakdown!['indexBytes']).toBe(0);
  });
});

describe('memory system and always-on-chip decode', () => {
  it('globalBufferThatJustFits: activations stay on chip; one element more moves them off chip', () => {
    const d = 1024;
    const c = arch({ fpga: { accelerator: { buffers: { global: { bytes: opTraffic(norm(d), q).activations } } } } });
    const fits = simulateFpga(norm(d), c, q);
    expect(fits.breakdown!['offChipBytesSaved']).toBe(4 * d);
    expect(fits.breakdown!['hbmBytes']).toBe(2 * d); // the norm gains only
    const over = simulateFpga(norm(d + 1), c, q);
    expect(over.breakdown!['offChipBytesSaved']).toBeUndefined();
    expect(over.breakdown!['hbmBytes']).toBe(2 * (d + 1) + 4 * (d + 1));
  });

  it('reports the off-chip traffic always-on-chip decode saves over a decode step', () => {
    const g = buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 128 });
    const on = run(g, loadArch(archPath(U280)), q);
    const off = run(g, arch({ fpga: { accelerator: { alwaysOnChipDecode: false } } }), q);
    const saved = on.ops.reduce((s, o) => s + (o.breakdown?.['offChipBytesSaved'] ?? 0), 0);
    expect(saved).toBeGreaterThan(0);
    expect(off.totals.bytes - on.totals.bytes).toBe(saved);
    expect(off.totals.seconds).toBeGreaterThan(on.totals.seconds);
  });

  it('more HBM pseudo-channels per core never slow a memory-bound op', () => {
    let last = Infinity;
    for (const ch of [2, 4, 8, 10]) {
      const r = simulateFpga(gemm(), arch({ fpga: { accelerator: { hbmChannelsPerCore: ch } } }), q);
      expect(r.cycles).toBeLessThanOrEqual(last);
      last = r.cycles;
    }
  });

  it('placing the KV cache in DDR moves its bytes there', () => {
    const op: Op = {
      id: 'a',
      name: 'self_attn',
      kind: 'attention',
      cls: 'attention',
      layer: 0,
      phase: 'decode',
      deps: [],
      batch: 1,
      heads: 32,
      kvHeads: 32,
      headDim: 128,
      qLen: 1,
      kvLen: 512,
      causal: true,
      window: 0,
    };
    const r = simulateFpga(op, arch({ fpga: { accelerator: { placement: { kv: 'ddr' } } } }), q);
    expect(r.breakdown!['ddrBytes']).toBe(opTraffic(op, q).kv);
    expect(r.breakdown!['hbmBytes']).toBe(0);
  });
});

describe('resources', () => {
  it('DSPs: 3 cores × 188 chains × 16 = 9,024 fits exactly; 189 chains is over-subscribed', () => {
    expect(() => fpgaDspChainModel.validate(arch({ fpga: { accelerator: { mpe: { chains: 188 } } } }))).not.toThrow();
    const e = catchErr(() => fpgaDspChainModel.validate(arch({ fpga: { accelerator: { mpe: { chains: 189 } } } }), 'x.json'));
    expect(e).toBeInstanceOf(InfeasibleError);
    expect(e.toLine()).toBe(
      'error: x.json: /fpga/accelerator/mpe/chains: DSP slices over-subscribed: 3 cores × 189 chains × 16 DSPs = 9072 but XCU280 has 9024 DSP48E2',
    );
  });

  it('uramThatJustFits: 3 × 320 URAM blocks = 960 fit; one byte more needs a block more', () => {
    const fit = 288 * 32768; // + global 1 MiB = 32 blocks → 320 per core
    expect(() => fpgaDspChainModel.validate(arch({ fpga: { accelerator: { buffers: { weight: { bytes: fit } } } } }))).not.toThrow();
    const e = catchErr(() => fpgaDspChainModel.validate(arch({ fpga: { accelerator: { buffers: { weight: { bytes: fit + 1 } } } } })));
    expect(e.pointer).toBe('/fpga/accelerator/buffers/weight/bytes');
    expect(e.message).toBe('on-chip buffers need 963 URAM288 blocks (3 cores) but XCU280 has 960');
  });

  it('weightBufferThatJustFits: two chain passes of a 512-column INT4 tile (2 × 4096 B) fit; one byte less does not', () => {
    expect(() => simulateFpga(gemm(), arch({ fpga: { accelerator: { buffers: { weight: { bytes: 8192 } } } } }), q)).not.toThrow();
    const e = catchErr(() => simulateFpga(gemm(), arch({ fpga: { accelerator: { buffers: { weight: { bytes: 8191 } } } } }), q));
    expect(e.pointer).toBe('/fpga/accelerator/buffers/weight/bytes');
  });

  it('inputBufferThatJustFits: the 4096-element INT8 activation row fits 4096 B, not 4095 B', () => {
    expect(() => simulateFpga(gemm(), arch({ fpga: { accelerator: { buffers: { input: { bytes: 4096 } } } } }), q)).not.toThrow();
    expect(catchErr(() => simulateFpga(gemm(), arch({ fpga: { accelerator: { buffers: { input: { bytes: 4095 } } } } }), q)).message).toBe(
      'the input buffer (4095 B) cannot hold the 4096 B activation row',
    );
  });

  it('more cores than SLRs is an error naming /fpga/accelerator/cores', () => {
    expect(catchErr(() => simulateFpga(gemm(), arch({ fpga: { accelerator: { cores: 4, hbmChannelsPerCore: 8 } } }), q)).pointer).toBe(
      '/fpga/accelerator/cores',
    );
  });

  it('the CLI reports an over-subscribed config as file: pointer: message, exit 2', async () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'fpga-'));
    const file = resolve(dir, 'big.json');
    writeFileSync(file, JSON.stringify({ extends: archPath(U280), overrides: { fpga: { accelerator: { mpe: { chains: 200 } } } } }));
    const r = await cli(
      'simulate',
      '--arch',
      file,
      '--model',
      resolve(ROOT, 'workloads/models/llama-2-7b.json'),
      '--phase',
      'decode',
      '--batch',
      '1',
      '--context',
      '64',
      '--quant',
      QUANT,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${file}: /fpga/accelerator/mpe/chains: DSP slices over-subscribed: 3 cores × 200 chains × 16 DSPs = 9600 but XCU280 has 9024 DSP48E2\n`,
    );
  });
});
