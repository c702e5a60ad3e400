/** Builders of small synthetic profiler traces for importer tests (the shape of export_chrome_trace). */
export interface Ev {
  name: string;
  dims?: unknown[];
  concrete?: string[];
  /** Nested ops (placed inside this op's interval). */
  children?: Ev[];
  /** GPU kernel µs launched by this op itself. */
  gpuUs?: number;
  cat?: string;
}

/** Lays the ops out back to back (each 10 µs + its children), kernels linked by External id. */
export function traceOf(ops: Ev[], extra: { annotations?: { name: string; from: number; to: number }[]; shapes?: boolean } = {}): object {
  const events: object[] = [];
  let t = 1000;
  let ext = 1;
  const place = (e: Ev): { start: number; end: number } => {
    const start = t;
    t += 1;
    const id = ext++;
    for (const c of e.children ?? []) place(c);
    t += 9;
    const end = t;
    const args: Record<string, unknown> = { 'External id': id, 'Concrete Inputs': e.concrete ?? (e.dims ?? []).map(() => '') };
    if (extra.shapes !== false) args['Input Dims'] = e.dims ?? [];
    events.push({ ph: 'X', cat: e.cat ?? 'cpu_op', name: e.name, pid: 1, tid: 1, ts: start, dur: end - start, args });
    if (e.gpuUs) events.push({ ph: 'X', cat: 'kernel', name: `k_${e.name}`, pid: 0, tid: 7, ts: start + 2, dur: e.gpuUs, args: { 'External id': id } });
    t += 1;
    return { start, end };
  };
  const spans = ops.map(place);
  for (const a of extra.annotations ?? []) {
    const from = spans[a.from]!.start - 0.5;
    const to = spans[a.to]!.end + 0.5;
    events.push({ ph: 'X', cat: 'user_annotation', name: a.name, pid: 1, tid: 1, ts: from, dur: to - from, args: {} });
  }
  return { schemaVersion: 1, record_shapes: 1, traceEvents: events };
}

/** A minimal decoder layer stack: embedding, per layer linear q/k/v, sdpa, linear o, then lm_head. */
export function tinyDecoderOps(opts: { tokens: number; past: number; hidden?: number; heads?: number; vocab?: number; layers?: number }): Ev[] {
  const h = opts.hidden ?? 64;
  const H = opts.heads ?? 4;
  const d = h / H;
  const V = opts.vocab ?? 100;
  const T = opts.tokens;
  const kv = opts.past + T;
  const ops: Ev[] = [{ name: 'aten::embedding', dims: [[V, h], [1, T], [], [], []], gpuUs: 2 }];
  for (let l = 0; l < (opts.layers ?? 1); l++) {
    ops.push({ name: 'aten::layer_norm', dims: [[1, T, h], [], [h], [h], []], gpuUs: 1 });
    for (let i = 0; i < 3; i++) {
      ops.push({
        name: 'aten::linear',
        dims: [[1, T, h], [h, h], []],
        children: [
          { name: 'aten::t', dims: [[h, h]] },
          {
            name: 'aten::matmul',
            dims: [
              [1, T, h],
              [h, h],
            ],
            children: [
              {
                name: 'aten::mm',
                dims: [
                  [T, h],
                  [h, h],
                ],
                gpuUs: 5,
              },
            ],
          },
        ],
      });
    }
    ops.push({
      name: 'aten::scaled_dot_product_attention',
      dims: [[1, H, T, d], [1, H, kv, d], [1, H, kv, d], [], [], [], [], []],
      concrete: ['', '', '', '', '0.', T > 1 ? 'True' : 'False', '', 'False'],
      children: [{ name: 'aten::_scaled_dot_product_flash_attention', dims: [[1, H, T, d], [1, H, kv, d], [1, H, kv, d], [], [], [], []], gpuUs: 4 }],
    });
    ops.push({
      name: 'aten::linear',
      dims: [[1, T, h], [h, h], []],
      children: [
        {
          name: 'aten::mm',
          dims: [
            [T, h],
            [h, h],
          ],
          gpuUs: 5,
        },
      ],
    });
    ops.push({ name: 'aten::add', dims: [[1, T, h], [1, T, h], []], gpuUs: 1 });
  }
  ops.push({ name: 'aten::layer_norm', dims: [[1, T, h], [], [h], [h], []], gpuUs: 1 });
  ops.push({
    name: 'aten::linear',
    dims: [[1, T, h], [V, h], []],
    children: [
      {
        name: 'aten::mm',
        dims: [
          [T, h],
          [h, V],
        ],
        gpuUs: 6,
      },
    ],
  });
  return ops;
}
