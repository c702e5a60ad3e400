/** Stacks are sweepable: a spec's `stack` (a name, a file or a list) is the last point dimension. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';
import { loadSweepSpec } from '../../src/sweep/spec.ts';
import { PointSpace } from '../../src/sweep/points.ts';
import { SweepContext, evaluatePoint } from '../../src/sweep/evaluate.ts';
import { sweepTable } from '../../src/report/sweep-table.ts';
import { specSummaries } from '../../src/report/sweep-specs.ts';
import type { SweepLine } from '../../src/report/inputs.ts';

function spec(extra: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-stack-'));
  const f = join(dir, 'spec.json');
  writeFileSync(
    f,
    JSON.stringify({
      arch: join(ROOT, 'arch-configs/gpu/h100-sxm.json'),
      quant: ['w16a16'],
      workloads: [{ model: join(ROOT, 'workloads/models/llama-2-7b.json'), phase: 'decode', batch: [1], context: [512] }],
      ...extra,
    }),
  );
  return f;
}

describe('sweep spec stack', () => {
  it('a list of stacks is a dimension: each point names its stack and runs under it', () => {
    const s = loadSweepSpec(spec({ stack: ['pytorch-cudagraph', 'vllm'] }));
    const space = new PointSpace(s);
    expect(space.size).toBe(2);
    expect([space.point(0).stack, space.point(1).stack]).toEqual(['pytorch-cudagraph', 'vllm']);
    const ctx = new SweepContext(s);
    const [a, b] = [evaluatePoint(ctx, 0), evaluatePoint(ctx, 1)];
    expect(a.ok && b.ok).toBe(true);
    expect(a.objectives!['latencySeconds']).not.toBe(b.objectives!['latencySeconds']);
  });
  it('the sweep report shows the stack: a varying parameter of the table, a field of the spec summary', () => {
    const s = loadSweepSpec(spec({ stack: ['pytorch-cudagraph', 'vllm'] }));
    const ctx = new SweepContext(s);
    const lines = [evaluatePoint(ctx, 0), evaluatePoint(ctx, 1)] as unknown as SweepLine[];
    const t = sweepTable(lines);
    expect(t.params.find((p) => p.label === 'stack')).toMatchObject({ distinct: 2, numeric: false });
    expect(t.rows.map((r) => r[t.params.find((p) => p.label === 'stack')!.field])).toEqual(['pytorch-cudagraph', 'vllm']);
    expect(specSummaries(lines)[0]!.values['stack']).toEqual(['pytorch-cudagraph', 'vllm']);
    const one = sweepTable([evaluatePoint(new SweepContext(loadSweepSpec(spec({ stack: 'vllm' }))), 0)] as unknown as SweepLine[]);
    expect(one.constants).toContainEqual({ label: 'stack', value: 'vllm' });
  });
  it('without a stack the points and their ids are those of before (no stack dimension)', () => {
    const s = loadSweepSpec(spec({}));
    expect(new PointSpace(s).point(0)).not.toHaveProperty('stack');
  });
  it('an unknown stack name is an error at its pointer in the spec', () => {
    const f = spec({ stack: ['pytorch', 'vlm'] });
    try {
      loadSweepSpec(f);
      throw new Error('did not throw');
    } catch (e) {
      const x = e as { message: string; pointer?: string; file?: string };
      expect(x.message).toMatch(/'vlm'.*did you mean vllm/);
      expect([x.file, x.pointer]).toEqual([f, '/stack/1']);
    }
  });
  it("a stack that does not run on the point's kind makes that point infeasible, with the reason", () => {
    const s = loadSweepSpec(spec({ stack: 'pim-runtime' }));
    const r = evaluatePoint(new SweepContext(s), 0);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/pim-runtime' runs on pim-dram, not on gpu-tensor-core/);
  });
});
