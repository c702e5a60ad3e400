/**
 * The op-class palette stays distinguishable under colour-vision deficiencies (simulated with
 * Machado et al. 2009), where the stock categorical schemes do not.
 */
import { describe, expect, it } from 'vitest';
import { schemeTableau10, schemeObservable10 } from 'd3-scale-chromatic';
import { CLASS_ORDER, classPalette, cvdDistance, labUnder, CVD_MATRICES } from '../../src/report/palette.ts';
import { OP_CLASSES } from '../../src/workload/graph.ts';

function minPair(colours: readonly string[]): number {
  let m = Infinity;
  for (let i = 0; i < colours.length; i++) for (let j = i + 1; j < colours.length; j++) m = Math.min(m, cvdDistance(colours[i]!, colours[j]!));
  return m;
}

describe('class palette', () => {
  it('everyOpClassHasItsOwnColour', () => {
    const p = classPalette();
    for (const c of OP_CLASSES) expect(p.domain).toContain(c);
    expect(new Set(p.range).size).toBe(p.domain.length);
    expect(p.domain).toEqual([...CLASS_ORDER]);
  });
  it('pairsStayApartUnderProtanDeutanTritan: ≥ 13 ΔE for the 13 classes, where Tableau10 and Observable10 collapse', () => {
    expect(minPair(classPalette().range)).toBeGreaterThanOrEqual(13);
    expect(minPair(schemeTableau10)).toBeLessThan(2);
    expect(minPair(schemeObservable10)).toBeLessThan(5);
  });
  it('simulationSanity: identity keeps a colour, deuteranopia merges pure red and green more than normal vision', () => {
    const white = labUnder('#ffffff', CVD_MATRICES.none);
    expect(white[0]).toBeCloseTo(100, 1);
    const d = (m: keyof typeof CVD_MATRICES) => {
      const a = labUnder('#ff0000', CVD_MATRICES[m]),
        b = labUnder('#00ff00', CVD_MATRICES[m]);
      return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    };
    expect(d('deuteranopia')).toBeLessThan(d('none') / 2);
  });
});
