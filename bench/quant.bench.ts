/**
 * Issue 4: encode + decode throughput of the bit-exact codecs over 16 M values (typed arrays):
 * INT4 g128 (fp16 scales), FP8 E4M3 (per-tensor fp32 scale), MXFP4 (E8M0 per 32).
 * encode = quantizeTensor (scales + codes + element values), decode = dequantize.
 */
import { quantizeTensor, dequantize } from '../src/quant/codec.ts';
import { Rng } from '../src/numeric/rng.ts';

const N = 16 * 1024 * 1024;
const COLS = 4096;

export default function bench(): void {
  const rng = new Rng(1);
  const x = new Float32Array(N);
  for (let i = 0; i < N; i++) x[i] = rng.normal() * 0.02;
  for (const format of ['int4-g128', 'fp8-e4m3', 'mxfp4']) {
    let best = { enc: Infinity, dec: Infinity };
    for (let run = 0; run < 2; run++) {
      const t0 = process.hrtime.bigint();
      const q = quantizeTensor(format, x, N / COLS, COLS);
      const t1 = process.hrtime.bigint();
      const d = dequantize(q);
      const t2 = process.hrtime.bigint();
      if (d.length !== N) throw new Error('size');
      best = { enc: Math.min(best.enc, Number(t1 - t0) / 1e9), dec: Math.min(best.dec, Number(t2 - t1) / 1e9) };
    }
    const fmt = (s: number) => `${(N / s / 1e6).toFixed(1)} M elem/s`;
    console.log(
      `${format.padEnd(10)} 16M values: encode ${fmt(best.enc)} (${(best.enc * 1e3).toFixed(0)} ms), decode ${fmt(best.dec)} (${(best.dec * 1e3).toFixed(0)} ms), encode+decode ${fmt(best.enc + best.dec)}`,
    );
  }
}
