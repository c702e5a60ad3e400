import { describe, expect, it } from 'vitest';
import { buildShapeTable } from '../../../src/workload/import/onnx-shapes.ts';
import type { OnnxModel, OnnxNode, OnnxAttribute } from '../../../src/workload/import/onnx-proto.ts';
import { broadcast } from '../../../src/workload/import/shapes.ts';

const node = (opType: string, inputs: string[], outputs: string[], attrs: Record<string, Omit<OnnxAttribute, 'name'>> = {}): OnnxNode => ({
  name: outputs[0]!,
  opType,
  domain: '',
  inputs,
  outputs,
  attrs: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { name: k, ...v }])),
});
const model = (nodes: OnnxNode[], inits: OnnxModel['initializers'] = []): OnnxModel => ({
  producer: 't',
  opset: 18,
  graphName: 'g',
  functions: {},
  valueInfo: [],
  outputs: [],
  inputs: [{ name: 'x', elemType: 1, shape: [2, 3, 4] }],
  initializers: inits,
  nodes,
});
const c = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: 7, values });

describe('numpy broadcasting', () => {
  it('broadcasts trailing dims and rejects mismatches', () => {
    expect(broadcast([2, 1, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(broadcast([4], [])).toEqual([4]);
    expect(broadcast([2, 3], [4, 3])).toBeUndefined();
  });
});

describe('ONNX shape inference', () => {
  it('Reshape: 0 copies the input dim (unless allowzero), -1 takes the rest', () => {
    const t = buildShapeTable(
      model([node('Reshape', ['x', 's'], ['y']), node('Reshape', ['x', 's0'], ['z'], { allowzero: { i: 1 } })], [c('s', [0, -1, 2]), c('s0', [0, 12, 2])]),
    );
    expect(t.shapes.get('y')).toEqual([2, 6, 2]);
    expect(t.shapes.get('z')).toEqual([0, 12, 2]);
  });

  it('Shape → Gather → Concat → Reshape: shape arithmetic is propagated by value', () => {
    const t = buildShapeTable(
      model(
        [
          node('Shape', ['x'], ['sx']),
          node('Gather', ['sx', 'i0'], ['b'], { axis: { i: 0 } }),
          node('Concat', ['b', 'm1'], ['target'], { axis: { i: 0 } }),
          node('Reshape', ['x', 'target'], ['y']),
        ],
        [c('i0', [0]), c('m1', [-1])],
      ),
    );
    expect(t.values.get('sx')).toEqual([2, 3, 4]);
    expect(t.values.get('target')).toEqual([2, -1]);
    expect(t.shapes.get('y')).toEqual([2, 12]);
    expect(t.constant.has('target')).toBe(true);
    expect(t.constant.has('y')).toBe(false);
  });

  it('Slice with negative starts and clamped ends; Unsqueeze and ReduceMean with axes as inputs', () => {
    const t = buildShapeTable(
      model(
        [
          node('Slice', ['x', 'st', 'en', 'ax'], ['s']),
          node('Unsqueeze', ['x', 'ua'], ['u']),
          node('ReduceMean', ['x', 'ra'], ['m']),
          node('ReduceMean', ['x', 'ra'], ['m0'], { keepdims: { i: 0 } }),
          node('Transpose', ['x'], ['tr'], { perm: { ints: [2, 0, 1] } }),
          node('MatMul', ['x', 'w'], ['mm']),
        ],
        [c('st', [-2]), c('en', [9_000_000_000]), c('ax', [2]), c('ua', [0, -1]), c('ra', [-1]), { name: 'w', dims: [4, 5], dataType: 1 }],
      ),
    );
    expect(t.shapes.get('s')).toEqual([2, 3, 2]);
    expect(t.shapes.get('u')).toEqual([1, 2, 3, 4, 1]);
    expect(t.shapes.get('m')).toEqual([2, 3, 1]);
    expect(t.shapes.get('m0')).toEqual([2, 3]);
    expect(t.shapes.get('tr')).toEqual([4, 2, 3]);
    expect(t.shapes.get('mm')).toEqual([2, 3, 5]);
  });

  it('value_info wins over inference when given', () => {
    const m = model([node('Relu', ['x'], ['y'])]);
    m.valueInfo = [{ name: 'y', elemType: 1, shape: [7, 7] }];
    expect(buildShapeTable(m).shapes.get('y')).toEqual([7, 7]);
    expect(buildShapeTable(m, {}, undefined, false).shapes.get('y')).toEqual([2, 3, 4]);
  });
});
