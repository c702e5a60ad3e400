/**
 * A short human-readable shape of an op ("gemm 8×4096×4096", "attn b8 h32/8 d128 q1 kv2048"),
 * carried in RunResult ops so reports and tooltips can name what each point is.
 */
import type { Op } from './graph.ts';

export function opShapeLabel(op: Op): string {
  switch (op.kind) {
    case 'gemm':
      return `${op.batch > 1 ? `${op.batch}× ` : ''}m${op.m} n${op.n} k${op.k}`;
    case 'attention':
      return `b${op.batch} h${op.heads}/${op.kvHeads} d${op.headDim} q${op.qLen} kv${op.kvLen}${op.window > 0 ? ` w${op.window}` : ''}`;
    case 'embedding':
      return `tokens${op.tokens} dim${op.dim} vocab${op.vocab}`;
    case 'norm':
      return `${op.norm} rows${op.rows} dim${op.dim}`;
    case 'elementwise':
      return `${op.fn} ${op.elements} el × ${op.inputs} in`;
    case 'softmax':
      return `rows${op.rows} dim${op.dim}`;
  }
}
