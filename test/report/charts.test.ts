/**
 * Every chart kind as a vega-lite spec: compiled by vega-lite, rendered by vega in Node, with the
 * exact number of marks its input calls for, axis titles that state units, and log-log roofline
 * ceilings one per distinct dtype peak and per memory level.
 */
import { describe, expect, it } from 'vitest';
import { rooflineData, rooflineSpec } from '../../src/report/charts/roofline.ts';
import { latencyRows, latencySpec, runLabel } from '../../src/report/charts/latency.ts';
import { energyRows, energySpec } from '../../src/report/charts/energy.ts';
import { generateSpec } from '../../src/report/charts/generate.ts';
import { paretoData, paretoSpec } from '../../src/report/charts/pareto.ts';
import { paramsSpec, shownParams } from '../../src/report/charts/params.ts';
import { quantTradeoffSpec, tradeoffRows } from '../../src/report/charts/quant-tradeoff.ts';
import { quantMemoryRows, quantMemorySpec } from '../../src/report/charts/quant-memory.ts';
import { sweepTable } from '../../src/report/sweep-table.ts';
import type { RunResult } from '../../src/engine/run.ts';
import type { SweepLine } from '../../src/report/inputs.ts';
import { generateFixture, quantFixture, runFixture, sweepFixture } from './fixtures.ts';
import { renderSpec } from './vega-node.ts';

const decode = runFixture('decode');
const prefill = runFixture('prefill');

/** All axis titles of a compiled chart, from its SVG. */
function axisTitles(svg: string): string[] {
  return [...svg.matchAll(/class="mark-text role-axis-title"[^>]*>(.*?)<\/g>/gs)].flatMap((m) => [...m[1]!.matchAll(/>([^<>]+)<\/text>/g)].map((t) => t[1]!));
}

describe('roofline', () => {
  it('aggregatedByClassAndSpot: ops of one class on one spot are one mark per estimate, counted and timed', async () => {
    const drawableOps = decode.ops.filter((o) => o.flops > 0 && o.roofline.bytes > 0 && o.seconds > 0);
    const d = rooflineData(decode);
    expect(d.ops).toBe(drawableOps.length);
    expect(d.excluded).toBe(decode.ops.length - drawableOps.length);
    // Far fewer marks than ops (the same GEMM in every layer is one mark), and nothing lost:
    expect(d.points.length).toBeLessThan(drawableOps.length / 4);
    const model = d.points.filter((p) => p.series === 'cycle model');
    expect(model.reduce((s, p) => s + p.count, 0)).toBeCloseTo(
      drawableOps.reduce((s, o) => s + (o.count ?? 1), 0),
      9,
    );
    expect(model.reduce((s, p) => s + p.seconds, 0)).toBeCloseTo(
      drawableOps.reduce((s, o) => s + o.seconds, 0),
      12,
    );
    // Per class, the group counts add up to the class's drawable ops.
    for (const cls of new Set(drawableOps.map((o) => o.cls))) {
      expect(model.filter((p) => p.cls === cls).reduce((s, p) => s + p.count, 0)).toBeCloseTo(
        drawableOps.filter((o) => o.cls === cls).reduce((s, o) => s + (o.count ?? 1), 0),
        9,
      );
    }
    const r = await renderSpec(rooflineSpec(decode));
    expect(r.marks['ops_marks']).toBe(d.points.length);
    expect(r.marks['links_marks']).toBe(d.links.length);
  });

  it('sizeEncodesTimeAndLegendHidesAClass: point area from total time, a legend-bound toggle selection', () => {
    const spec = rooflineSpec(decode) as unknown as {
      layer: {
        name: string;
        params?: { bind?: string; select: { toggle?: string } }[];
        encoding: Record<string, { field?: string; condition?: { param: string; value: number } }>;
      }[];
    };
    const ops = spec.layer.find((l) => l.name === 'ops')!;
    expect(ops.encoding['size']!.field).toBe('seconds');
    expect(ops.params?.[0]).toMatchObject({ bind: 'legend', select: { toggle: 'true' } });
    expect(ops.encoding['opacity']!.condition).toMatchObject({ param: 'hidden', value: 0 });
  });

  it('ceilingPerDistinctPeakAndLevel: dtypes sharing a peak share one ceiling; every memory level has one', async () => {
    const c = decode.arch.ceilings;
    const peaks = new Set([...Object.values(c.matrix), c.vector]);
    const d = rooflineData(decode);
    expect(d.ceilings.filter((x) => x.kind === 'compute')).toHaveLength(peaks.size);
    expect(d.ceilings.filter((x) => x.kind === 'memory').map((x) => x.ceiling)).toEqual(c.memory.map((m) => `${m.level} bandwidth`));
    // every dtype is named on exactly one ceiling
    const named = d.ceilings.filter((x) => x.kind === 'compute').flatMap((x) => x.ceiling.replace(/ peak$/, '').split(' / '));
    expect(named.sort()).toEqual([...Object.keys(c.matrix), 'vector'].sort());
    const r = await renderSpec(rooflineSpec(decode));
    expect(r.marks['ceilings_marks']).toBe(peaks.size + c.memory.length);
  });

  it('slantedCeilingsMeetTheTopPeak: a memory roof ends where bandwidth × intensity reaches the highest peak', () => {
    const d = rooflineData(decode);
    const top = Math.max(...Object.values<number>(decode.arch.ceilings.matrix));
    for (const m of d.ceilings.filter((x) => x.kind === 'memory')) {
      const bw = m.y / m.x;
      expect(m.y2).toBe(top);
      expect(m.x2 * bw).toBeCloseTo(top, -3);
      expect(m.x).toBeGreaterThanOrEqual(d.domain.x[0]);
    }
  });

  it('archWithoutPeaksIsAUserError', () => {
    const noPeak = { ...decode.arch, ceilings: { matrix: {}, vector: 0, memory: decode.arch.ceilings.memory } };
    expect(() => rooflineData({ arch: noPeak, ops: decode.ops })).toThrow(/reports no compute peak or no memory bandwidth/);
    const vectorOnly = { ...decode.arch, ceilings: { matrix: {}, vector: 1e12, memory: decode.arch.ceilings.memory } };
    expect(rooflineData({ arch: vectorOnly, ops: decode.ops }).ceilings.filter((x) => x.kind === 'compute')).toHaveLength(1);
  });

  it('logLogAxesWithUnits', async () => {
    const spec = rooflineSpec(decode) as { layer: { encoding: { x: { scale: { type: string } }; y: { scale: { type: string } } } }[] };
    for (const l of spec.layer) {
      expect(l.encoding.x.scale.type).toBe('log');
      expect(l.encoding.y.scale.type).toBe('log');
    }
    const titles = axisTitles((await renderSpec(rooflineSpec(decode))).svg);
    expect(titles).toContain('arithmetic intensity (FLOP/byte)');
    expect(titles).toContain('achieved throughput (FLOP/s)');
  });

  it('linksOnlyWhereTheModelDiffers: a model point off its roofline point gets a rule, a coincident one none', () => {
    const ops = decode.ops.slice(0, 40);
    const same = rooflineData({ arch: decode.arch, ops: ops.map((o) => ({ ...o, seconds: o.roofline.seconds, bytes: o.roofline.bytes })) });
    expect(same.links).toHaveLength(0);
    const slower = rooflineData({ arch: decode.arch, ops: ops.map((o) => ({ ...o, seconds: o.roofline.seconds * 2, bytes: o.roofline.bytes })) });
    expect(slower.links).toHaveLength(slower.points.length / 2);
    const p = slower.points.find((x) => x.series === 'cycle model')!;
    const q = slower.points.find((x) => x.series === 'roofline' && x.op === p.op)!;
    expect(p.flopsPerSecond).toBeCloseTo(q.flopsPerSecond / 2, 0);
  });

  it('tooltipNamesOpShapeIntensityThroughputBound', () => {
    const spec = rooflineSpec(decode) as { layer: { name: string; encoding: { tooltip?: { field: string }[] } }[] };
    const fields = spec.layer.find((l) => l.name === 'ops')!.encoding.tooltip!.map((t) => t.field);
    for (const f of ['cls', 'name', 'count', 'shape', 'intensityText', 'flopsText', 'timeText', 'bound']) expect(fields).toContain(f);
    expect(rooflineData(decode).points.every((p) => p.shape.length > 0 && p.shape !== 'undefined')).toBe(true);
  });
});

describe('latency and energy breakdowns', () => {
  it('stackedBarPerClassAndEstimate: one segment per (run, estimate, class) with time', async () => {
    const runs = [prefill, decode];
    const expected = runs.reduce((s, r) => s + r.classes.filter((c) => c.seconds > 0).length + r.classes.filter((c) => c.rooflineSeconds > 0).length, 0);
    expect(latencyRows(runs)).toHaveLength(expected);
    const r = await renderSpec(latencySpec(runs));
    expect(r.marks['latency_marks']).toBe(expected);
    expect(axisTitles(r.svg)).toContain('latency per step (s)');
  });

  it('segmentsSumToTheRunTotal', () => {
    const rows = latencyRows([decode]).filter((x) => x.estimate === 'cycle model');
    expect(rows.reduce((s, x) => s + x.seconds, 0)).toBeCloseTo(decode.totals.seconds, 12);
    const e = energyRows([decode]);
    expect(e.reduce((s, x) => s + x.energyJ, 0)).toBeCloseTo(decode.totals.energyJ, 9);
  });

  it('energyComponentsOnlyWhereNonZero', async () => {
    let nonZero = 0;
    const byCls = new Map<string, number[]>();
    for (const o of decode.ops) {
      const v = byCls.get(o.cls) ?? [0, 0, 0, 0];
      v[0]! += o.energyPj.compute;
      v[1]! += o.energyPj.onChip;
      v[2]! += o.energyPj.offChip;
      v[3]! += o.energyPj.static;
      byCls.set(o.cls, v);
    }
    for (const v of byCls.values()) nonZero += v.filter((x) => x > 0).length;
    const r = await renderSpec(energySpec([decode]));
    expect(r.marks['energy_marks']).toBe(nonZero);
    expect(axisTitles(r.svg)).toContain('energy per step (J)');
  });

  it('runLabelNamesPhaseAndShape', () => {
    expect(runLabel(decode)).toBe('decode b8 ctx2048');
    expect(runLabel(prefill)).toBe('prefill b1 seq512');
    expect(runLabel(generateFixture())).toBe('generate b4 P256 O1024');
  });

  it('generateSeries: one point per sampled step, TTFT and TPOT in the subtitle', async () => {
    const g = generateFixture().generate;
    const spec = generateSpec(g) as { title: { subtitle: string } };
    expect(spec.title.subtitle).toMatch(/^TTFT .+ · TPOT .+ \(mean\)$/);
    const r = await renderSpec(generateSpec(g));
    const points = Object.entries(r.marks)
      .filter(([k]) => k !== 'steps_marks' && !k.includes('line'))
      .reduce((s, [, v]) => s + v, 0);
    expect(points).toBe(g.steps.length);
    expect(axisTitles(r.svg)).toEqual(expect.arrayContaining(['context length (tokens)', 'step latency (s)']));
  });
});

describe('sweep charts', () => {
  const lines = sweepFixture();
  const t = sweepTable(lines);

  it('paretoPointsAndFront: every feasible point drawn once, the front highlighted and joined', async () => {
    const d = paretoData(t, { x: 'latencySeconds', y: 'energyPerTokenJ' });
    expect(d.points).toHaveLength(lines.filter((l) => l.ok).length);
    const r = await renderSpec(paretoSpec(t, { x: 'latencySeconds', y: 'energyPerTokenJ' }));
    expect(r.marks['front_marks']).toBe(d.front.length);
    expect(r.marks['points_marks']).toBe(d.points.length - d.front.length);
    // a vega line mark has one item per vertex
    expect(r.marks['front_line_marks']).toBe(d.front.length);
    // nothing on the front is dominated by a point that fits
    const fits = d.points.filter((p) => p.status !== 'does not fit');
    for (const f of d.front) expect(fits.some((p) => p.x <= f.x && p.y <= f.y && (p.x < f.x || p.y < f.y))).toBe(false);
    expect(d.points.filter((p) => p.status === 'does not fit')).toHaveLength(lines.filter((l) => l.ok && l.objectives['fits'] === false).length);
  });

  it('overCapacityInfeasibleLinesWithObjectivesAreDrawnApart', () => {
    // `accelscope sweep` records an over-capacity point as ok: false with its objectives
    const mk = (id: string, x: number, y: number, ok: boolean): SweepLine =>
      ok
        ? { id, index: 0, point: { params: { '/a': x } }, ok: true, objectives: { latencySeconds: x, energyPerTokenJ: y, fits: true } }
        : {
            id,
            index: 0,
            point: { params: { '/a': x } },
            ok: false,
            reason: 'does not fit',
            objectives: { latencySeconds: x, energyPerTokenJ: y, fits: false },
          };
    const t2 = sweepTable([
      mk('a', 2, 2, true),
      mk('b', 1, 1, false),
      mk('c', 3, 1, true),
      { id: 'd', index: 3, point: { params: { '/a': 9 } }, ok: false, reason: 'unsupported' },
    ]);
    const d = paretoData(t2, { x: 'latencySeconds', y: 'energyPerTokenJ' });
    expect(d.points.map((p) => [p.id, p.status])).toEqual([
      ['a', 'front'],
      ['b', 'does not fit'],
      ['c', 'front'],
    ]);
  });

  it('directionsFollowTheObjective: tokensPerSecond is maximized', () => {
    const d = paretoData(t, { x: 'latencySeconds', y: 'tokensPerSecond' });
    expect(d.y.direction).toBe('max');
    const best = Math.max(...d.points.filter((p) => p.status !== 'does not fit').map((p) => p.y));
    expect(d.front.some((p) => p.y === best)).toBe(true);
  });

  it('paramsSmallMultiples: one panel per (objective, varying parameter), a point per feasible line in each', async () => {
    const params = shownParams(t);
    expect(params.map((p) => p.label).sort()).toEqual(['/memory/bandwidthBps', '/memory/capacityBytes', 'quant', 'workload.batch']);
    const r = await renderSpec(paramsSpec(t, { objectives: ['latencySeconds', 'energyPerTokenJ'] }));
    const pointMarks = Object.entries(r.marks).filter(([k]) => k.endsWith('_points_marks'));
    expect(pointMarks).toHaveLength(2 * params.length);
    for (const [, n] of pointMarks) expect(n).toBe(lines.filter((l) => l.ok).length);
    const titles = axisTitles(r.svg);
    expect(titles).toEqual(expect.arrayContaining(['latency per step (s)', 'energy per token (J/token)', 'workload.batch']));
  });
});

describe('quant charts', () => {
  const q = quantFixture();

  it('tradeoffPointPerSupportedFormatWithError', async () => {
    const n = q.rows.filter((r) => r.supported && typeof r.sqnrDb === 'number').length;
    expect(tradeoffRows(q)).toHaveLength(n);
    const r = await renderSpec(quantTradeoffSpec(q));
    expect(r.marks['latencySeconds_points_marks']).toBe(n);
    expect(r.marks['energyPerTokenJ_points_marks']).toBe(n);
    expect(axisTitles(r.svg)).toEqual(expect.arrayContaining(['latency per step (s)', 'energy per token (J/token)']));
  });

  it('memoryBarsWeightsAndKvPerSupportedFormat', async () => {
    const n = q.rows.filter((r) => r.supported).reduce((s, r) => s + (r.weightBytes > 0 ? 1 : 0) + (r.kvBytes > 0 ? 1 : 0), 0);
    expect(quantMemoryRows(q)).toHaveLength(n);
    const r = await renderSpec(quantMemorySpec(q));
    expect(r.marks['memory_marks']).toBe(n);
    expect(r.marks['capacity_marks']).toBe(1); // one arch, one capacity rule
    const noCap = await renderSpec(quantMemorySpec({ ...q, rows: q.rows.map(({ capacityBytes: _c, ...row }) => row) }));
    expect(noCap.marks['capacity_marks']).toBeUndefined();
    expect(axisTitles(r.svg)).toContain('memory (GiB)');
  });
});

describe('every spec compiles without vega-lite warnings', () => {
  it('noWarnings', async () => {
    const lines = sweepFixture();
    const t = sweepTable(lines);
    const specs = [
      rooflineSpec(decode),
      latencySpec([prefill, decode]),
      energySpec([prefill, decode]),
      generateSpec(generateFixture().generate),
      paretoSpec(t, { x: 'latencySeconds', y: 'energyPerTokenJ' }),
      paramsSpec(t, { objectives: ['latencySeconds'] }),
      quantTradeoffSpec(quantFixture()),
      quantMemorySpec(quantFixture()),
    ];
    for (const s of specs) expect((await renderSpec(s)).warnings).toEqual([]);
  });
});

// keep the type import used
export type { RunResult };

describe('summarized small multiples (big sweeps)', () => {
  it('binsNumericParametersPastTheBinCount', async () => {
    const { summarize } = await import('../../src/report/charts/params.ts');
    const pairs = Array.from({ length: 100 }, (_, i) => ({ x: i, y: (i % 10) + 1 }));
    // 100 distinct values, 10 bins of 10 values: each bin holds y = 1..10
    const rows = summarize(pairs, 'min', true, false, 10);
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.n === 10 && r.min === 1 && r.max === 10 && r.best === 1)).toBe(true);
    expect(rows[0]!.x).toBeCloseTo(4.95, 10);
    // exactly as many distinct values as bins: no binning, one row per value
    expect(summarize(pairs.slice(0, 10), 'max', true, false, 10).map((r) => r.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(summarize(pairs.slice(0, 10), 'max', true, false, 10)[3]!.best).toBe(4);
    // categorical values are never binned
    expect(
      summarize(
        [
          { x: 'b', y: 2 },
          { x: 'a', y: 1 },
          { x: 'a', y: 3 },
        ],
        'max',
        false,
        false,
        1,
      ),
    ).toEqual([
      { x: 'a', min: 1, max: 3, best: 3, n: 2 },
      { x: 'b', min: 2, max: 2, best: 2, n: 1 },
    ]);
  });

  it('pointLimitSwitchesToSummaryPanels: at the limit every point, one more and ranges', async () => {
    const lines = sweepFixture();
    const t = sweepTable(lines);
    const feasible = lines.filter((l) => l.ok).length;
    const at = await renderSpec(paramsSpec(t, { objectives: ['latencySeconds'], pointLimit: feasible }));
    expect(Object.keys(at.marks).some((k) => k.endsWith('_points_marks'))).toBe(true);
    const over = await renderSpec(paramsSpec(t, { objectives: ['latencySeconds'], pointLimit: feasible - 1 }));
    expect(Object.keys(over.marks).some((k) => k.endsWith('_points_marks'))).toBe(false);
    const batches = new Set(lines.map((l) => l.point.workload!.batch)).size;
    const batchField = t.params.find((p) => p.label === 'workload.batch')!.field;
    expect(over.marks[`o_latencySeconds_${batchField}_range_marks`]).toBe(batches);
  });
});

describe('icicle and op table', () => {
  it('icicleCellsTileTheStep: layers sum to the step, classes to their layer, ops to their class', async () => {
    const { icicleCells, icicleSpec } = await import('../../src/report/charts/icicle.ts');
    const cells = icicleCells(decode, 'time');
    const total = decode.ops.reduce((s, o) => s + (o.seconds > 0 ? o.seconds : 0), 0);
    const layers = cells.filter((c) => c.depth === 1);
    expect(layers.reduce((s, c) => s + c.value, 0)).toBeCloseTo(total, 9);
    expect(cells.filter((c) => c.depth === 3)).toHaveLength(decode.ops.filter((o) => o.seconds > 0).length);
    expect(layers.reduce((s, c) => s + (c.x1 - c.x0), 0)).toBeCloseTo(1, 4);
    const l0 = layers.find((c) => c.name === 'layer 0')!;
    const kids = cells.filter((c) => c.depth === 2 && c.path.startsWith('layer 0 ›'));
    expect(kids.reduce((s, c) => s + c.value, 0)).toBeCloseTo(l0.value, 9);
    for (const k of kids) expect(k.x0).toBeGreaterThanOrEqual(l0.x0 - 1e-9);
    const e = icicleCells(decode, 'energy');
    expect(e.filter((c) => c.depth === 1).reduce((s, c) => s + c.value, 0)).toBeCloseTo(decode.totals.energyJ, 6);
    const r = await renderSpec(icicleSpec(decode, 'time', 't'));
    expect(r.marks['icicle_time_marks']).toBe(cells.length);
  });

  it('opTableHasEveryOpWithRawValuesForSorting', async () => {
    const { opRows, opTableHtml } = await import('../../src/report/op-table.ts');
    const rows = opRows(decode);
    expect(rows).toHaveLength(decode.ops.length);
    const html = opTableHtml(rows, 't');
    expect(html.match(/<tr>/g)!.length).toBe(decode.ops.length + 1);
    const slowest = Math.max(...decode.ops.map((o) => o.seconds));
    expect(html).toContain(`data-v="${slowest}"`);
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(decode.ops.reduce((s, o) => s + o.seconds, 0) / decode.totals.seconds, 9);
  });
});
