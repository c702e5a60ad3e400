/**
 * What one device of a stage stores: its share of the weights and of the KV cache. Decoder-layer
 * weights scale with the GEMM weights the device keeps (Σ k·n over its sharded weight GEMMs, an
 * MoE expert GEMM counting every expert stored there) against the whole model's; the vocabulary
 * tables sit on the first (embedding) and last (lm_head) stage, split over TP; norms, biases and
 * routers stay whole on every device of the stage that holds their layer.
 */
import type { GemmOp, GraphMeta, Op, OpGraph } from '../workload/graph.ts';
import type { ParallelPlan } from './plan.ts';
import { sliceKvGroups } from '../workload/footprint.ts';

// MoE expert GEMMs are named experts.* (builder and trace import); MLA's per-head q_absorb / v_up also carry a count.
const isExpert = (op: Op): boolean => op.kind === 'gemm' && op.name.startsWith('experts.');

function storedLayerParams(ops: Op[], experts: number): number {
  let s = 0;
  for (const op of ops) {
    if (op.kind !== 'gemm' || op.weight !== 'layer' || op.layer < 0) continue;
    s += op.k * op.n * (isExpert(op) ? experts : 1);
  }
  return s;
}

export interface DeviceMetaInput {
  graph: OpGraph;
  /** The stage's ops after sharding. */
  ops: Op[];
  plan: ParallelPlan;
  layers: [number, number];
  firstStage: boolean;
  lastStage: boolean;
  experts?: number;
  /** KV heads one device keeps (from the sharded attention ops). */
  kvHeads: number;
}

export function deviceMeta(d: DeviceMetaInput): GraphMeta {
  const g = d.graph;
  const E = d.experts ?? 1;
  const totalLayers = g.meta.kv.layers || 1;
  const fullLayer = storedLayerParams(g.ops, E);
  const localExperts = d.plan.ep > 1 ? E / d.plan.ep : E;
  const localLayer = storedLayerParams(d.ops, localExperts);
  const layer = fullLayer > 0 ? (g.meta.params.layer * localLayer) / fullLayer : 0;

  const embed = g.ops.find((o) => o.kind === 'embedding' && o.id === 'embed');
  const lmHead = g.ops.find((o): o is GemmOp => o.kind === 'gemm' && o.cls === 'lm_head' && o.weight === 'aux');
  const embedParams = embed && embed.kind === 'embedding' ? embed.vocab * embed.dim : 0;
  const headParams = lmHead ? lmHead.n * lmHead.k : 0;
  const tied = g.meta.params.embedding < embedParams + headParams;
  const rest = Math.max(0, g.meta.params.embedding - embedParams - (tied ? 0 : headParams)); // learned positions, OPT projections
  const t = d.plan.tp;
  let embedding = 0;
  if (d.firstStage)
    embedding +=
      (embedParams * Math.ceil((embed && embed.kind === 'embedding' ? embed.vocab : 0) / t)) /
        Math.max(1, embed && embed.kind === 'embedding' ? embed.vocab : 1) +
      rest;
  // The last stage holds lm_head; tied to the embedding, it is the same table on a single stage.
  if (d.lastStage && (!tied || !d.firstStage)) embedding += lmHead ? Math.ceil(lmHead.n / t) * lmHead.k : 0;

  const stageLayers = d.layers[1] - d.layers[0];
  const other = (g.meta.params.other * stageLayers) / totalLayers;
  return {
    ...g.meta,
    params: { total: layer + embedding + other, layer, embedding, other },
    kv: {
      ...g.meta.kv,
      layers: stageLayers,
      kvHeads: d.kvHeads,
      // Per-layer rows (windows, MLA latents): the stage's layers, heads split as TP splits them.
      ...(g.meta.kv.groups
        ? { groups: sliceKvGroups(g.meta.kv.groups, d.layers[0], d.layers[1], g.meta.attentionForm ? 1 : d.kvHeads / (g.meta.kv.kvHeads || 1)) }
        : {}),
    },
  };
}
