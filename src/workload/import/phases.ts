/**
 * Forward passes and their phases. A trace of generation holds several forward passes: the
 * prefill, then one per decode step. They are split
 *   1. by `record_function` annotations whose name says prefill or decode (tools/record_trace.py
 *      writes `accelscope:prefill` / `accelscope:decode`), when the trace has them; else
 *   2. at each token-embedding lookup (an embedding op reading the same table as the first one):
 *      every forward pass of a decoder starts with one.
 * A pass's phase comes from its annotation, else from its attention ops: queries = keys
 * (qLen = kvLen) is a prefill, fewer queries than keys a decode step (kvLen − qLen cached tokens).
 * Without attention ops, one token per sequence is taken as decode, more as prefill.
 */
import type { Phase } from '../graph.ts';
import type { Annotation } from './trace-read.ts';
import type { ImportedOp, Prim } from './types.ts';
import { sameShape } from './shapes.ts';

export const PHASE_ANNOTATION = /prefill|decode/i;

export interface Segment {
  prims: Prim[];
  annotation?: string;
}

/** Splits compute prims (time-ordered) into forward passes. */
export function splitPasses(prims: Prim[], annotations: Annotation[] = []): Segment[] {
  const marks = annotations.filter((a) => PHASE_ANNOTATION.test(a.name));
  if (marks.length && prims.some((p) => p.ts !== undefined)) {
    const segs: Segment[] = marks.map((a) => ({ prims: [], annotation: a.name }));
    for (const p of prims) {
      const ts = p.ts ?? 0;
      // The annotation containing the op, else the last one that started before it.
      let k = marks.findIndex((a) => ts >= a.ts && ts < a.ts + a.dur);
      if (k < 0) {
        k = 0;
        marks.forEach((a, idx) => {
          if (a.ts <= ts) k = idx;
        });
      }
      segs[k]!.prims.push(p);
    }
    return segs.filter((s) => s.prims.length > 0);
  }
  const firstTable = prims.find((p) => p.op === 'embedding')?.inputs[0];
  if (!firstTable) return prims.length ? [{ prims }] : [];
  const segs: Segment[] = [];
  let cur: Prim[] = [];
  let seenStart = false;
  for (const p of prims) {
    if (p.op === 'embedding' && sameShape(p.inputs[0], firstTable)) {
      if (seenStart && cur.length) {
        segs.push({ prims: cur });
        cur = [];
      }
      seenStart = true;
    }
    cur.push(p);
  }
  if (cur.length) segs.push({ prims: cur });
  return segs;
}

export interface PhaseInfo {
  phase: Phase;
  evidence: string;
  batch: number;
  /** New tokens per sequence in this pass. */
  qLen: number;
  /** Keys attended at the end of the pass (cached + new). */
  kvLen: number;
}

/** Phase, batch and lengths of a pass from its ops (and annotation, which wins on the phase). */
export function detectPhase(ops: ImportedOp[], annotation?: string): PhaseInfo | undefined {
  const attn = ops.find((o) => o.body.kind === 'attention')?.body;
  const emb = ops.find((o) => o.body.kind === 'embedding');
  let info: PhaseInfo | undefined;
  if (attn && attn.kind === 'attention') {
    const { qLen, kvLen, batch } = attn;
    const phase: Phase = qLen === kvLen ? 'prefill' : 'decode';
    info = {
      phase,
      batch,
      qLen,
      kvLen,
      evidence: qLen === kvLen ? `attention qLen ${qLen} = kvLen ${kvLen}` : `attention qLen ${qLen} < kvLen ${kvLen}`,
    };
  } else if (emb && emb.body.kind === 'embedding') {
    const tokens = emb.body.tokens;
    const phase: Phase = tokens === 1 ? 'decode' : 'prefill';
    info = { phase, batch: 1, qLen: tokens, kvLen: tokens, evidence: `no attention; ${tokens} embedded token(s), batch taken as 1` };
  }
  if (annotation) {
    const phase: Phase = /decode/i.test(annotation) ? 'decode' : 'prefill';
    if (info) info = { ...info, phase, evidence: `annotation '${annotation}'; ${info.evidence}` };
  }
  return info;
}
