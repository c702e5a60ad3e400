import { describe, expect, it } from 'vitest';
import { ChartSlot, splitSpec, type ChartView, type Embed } from '../../src/explore/chart-slot.ts';

const spec = (rows: unknown[], title = 't') => ({
  title,
  layer: [
    { data: { values: rows, format: { type: 'json' } }, mark: 'point' },
    { data: { values: [{ c: 1 }] }, mark: 'rule' },
  ],
});

describe('splitSpec', () => {
  it('names every inline dataset in document order and keeps the rest of the data object', () => {
    const s = splitSpec(spec([{ x: 1 }]));
    expect(s.datasets).toEqual([
      ['d0', [{ x: 1 }]],
      ['d1', [{ c: 1 }]],
    ]);
    expect(s.spec).toEqual({
      title: 't',
      layer: [
        { data: { format: { type: 'json' }, name: 'd0' }, mark: 'point' },
        { data: { name: 'd1' }, mark: 'rule' },
      ],
    });
  });
  it('does not change its argument', () => {
    const x = spec([{ x: 1 }]);
    const copy: unknown = JSON.parse(JSON.stringify(x));
    splitSpec(x);
    expect(x).toEqual(copy);
  });
  it('two specs differing only in rows share a structure; a title or one dataset more does not', () => {
    expect(splitSpec(spec([{ x: 1 }])).structure).toBe(splitSpec(spec([{ x: 2 }, { x: 3 }])).structure);
    expect(splitSpec(spec([{ x: 1 }])).structure).not.toBe(splitSpec(spec([{ x: 1 }], 'u')).structure);
    expect(splitSpec({ data: { values: [] } }).structure).not.toBe(splitSpec({ data: { values: [] }, layer: [{ data: { values: [] } }] }).structure);
  });
});

describe('ChartSlot', () => {
  const fake = () => {
    const log: string[] = [];
    const embed: Embed = (_el, s) => {
      log.push(`embed ${JSON.stringify((s as { datasets: unknown }).datasets)}`);
      const view: ChartView = {
        data: (name, rows) => {
          log.push(`data ${name} ${JSON.stringify(rows)}`);
          return view;
        },
        runAsync: () => {
          log.push('run');
          return Promise.resolve();
        },
        finalize: () => void log.push('finalize'),
      };
      return Promise.resolve({ view });
    };
    return { log, slot: new ChartSlot('#c', embed, {}) };
  };
  it('swaps the data when only rows change; embeds anew (finalizing the old view) when the structure changes', async () => {
    const { log, slot } = fake();
    await slot.draw(spec([{ x: 1 }]));
    await slot.draw(spec([{ x: 2 }]));
    await slot.draw(spec([{ x: 2 }], 'other title'));
    expect(log).toEqual([
      'embed {"d0":[{"x":1}],"d1":[{"c":1}]}',
      'data d0 [{"x":2}]',
      'data d1 [{"c":1}]',
      'run',
      'finalize',
      'embed {"d0":[{"x":2}],"d1":[{"c":1}]}',
    ]);
  });
  it('draws of one slot run one after another, in call order', async () => {
    const { log, slot } = fake();
    await Promise.all([slot.draw(spec([{ x: 1 }])), slot.draw(spec([{ x: 2 }])), slot.draw(spec([{ x: 3 }]))]);
    expect(log.filter((l) => l.startsWith('embed') || l.startsWith('data d0'))).toEqual([
      'embed {"d0":[{"x":1}],"d1":[{"c":1}]}',
      'data d0 [{"x":2}]',
      'data d0 [{"x":3}]',
    ]);
  });
  it('a failed embed leaves the slot able to draw again (embeds anew)', async () => {
    let fail = true;
    const log: string[] = [];
    const embed: Embed = () => {
      if (fail) return Promise.reject(new Error('boom'));
      log.push('embed');
      return Promise.resolve({ view: { data: () => ({}) as ChartView, runAsync: () => Promise.resolve(), finalize: () => undefined } });
    };
    const slot = new ChartSlot('#c', embed, {});
    await expect(slot.draw(spec([]))).rejects.toThrow('boom');
    fail = false;
    await slot.draw(spec([]));
    expect(log).toEqual(['embed']);
  });
});
