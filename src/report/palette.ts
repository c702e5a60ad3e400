/**
 * The categorical palette of op classes: colours drawn from d3-scale-chromatic's categorical
 * schemes, picked greedily so that every pair stays apart (CIE76 ΔE in CIELAB) for normal vision
 * AND under simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes,
 * "A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 2009,
 * severity 1.0 matrices, applied in linear sRGB). The plain schemes fail this: Tableau10's
 * closest pair is ΔE 0.9 for a deuteranope, Observable10's 3.0; this pick keeps ≥ 13 for the 13
 * classes (test/report/palette.test.ts). Classes that usually hold the time come first and get
 * the most distinct colours; a class maps to the same colour in every chart and page.
 */
import { schemeAccent, schemeCategory10, schemeDark2, schemeObservable10, schemePaired, schemeSet1, schemeSet2, schemeTableau10 } from 'd3-scale-chromatic';
import { OP_CLASSES } from '../workload/graph.ts';

/** Op classes in the order they get colours: the big-time classes first. */
export const CLASS_ORDER: readonly string[] = [
  'mlp',
  'attention',
  'qkv_proj',
  'o_proj',
  'lm_head',
  'norm',
  'residual',
  'activation',
  'rotary',
  'embedding',
  'moe_router',
  'other',
  ...OP_CLASSES.filter(
    (c) => !['mlp', 'attention', 'qkv_proj', 'o_proj', 'lm_head', 'norm', 'residual', 'activation', 'rotary', 'embedding', 'moe_router', 'other'].includes(c),
  ),
];

type Mat = readonly (readonly number[])[];
/** Machado et al. 2009, severity 1.0 (linear RGB → simulated linear RGB). */
export const CVD_MATRICES: Record<'none' | 'protanopia' | 'deuteranopia' | 'tritanopia', Mat> = {
  none: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** CIELAB (D65) of a '#rrggbb' colour as seen under a colour-vision matrix. */
export function labUnder(hex: string, m: Mat): [number, number, number] {
  const rgb = [1, 3, 5].map((i) => srgbToLinear(parseInt(hex.slice(i, i + 2), 16) / 255));
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, row[0]! * rgb[0]! + row[1]! * rgb[1]! + row[2]! * rgb[2]!))) as [number, number, number];
  const X = 0.4124 * r + 0.3576 * g + 0.1805 * b;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const fx = f(X / 0.95047),
    fy = f(Y),
    fz = f(Z / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** The smallest ΔE between two colours over normal vision and the three dichromacies. */
export function cvdDistance(a: string, b: string): number {
  return Math.min(
    ...Object.values(CVD_MATRICES).map((m) => {
      const la = labUnder(a, m),
        lb = labUnder(b, m);
      return Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
    }),
  );
}

/** Greedy max-min pick of `n` colours from d3-scale-chromatic's categorical schemes. */
export function pickDistinct(n: number): string[] {
  const pool = [
    ...new Set([
      ...schemeObservable10,
      ...schemeTableau10,
      ...schemeDark2,
      ...schemeSet1,
      ...schemeCategory10,
      ...schemePaired,
      ...schemeSet2,
      ...schemeAccent,
    ]),
  ];
  const white = '#ffffff';
  const picked = [schemeObservable10[0]!];
  while (picked.length < n && picked.length < pool.length) {
    let best = '',
      bestD = -1;
    for (const h of pool) {
      if (picked.includes(h)) continue;
      // Far from every colour already picked, and not washed out against the white page.
      const d = Math.min(...picked.map((p) => cvdDistance(p, h)), 1.5 * cvdDistance(white, h));
      if (d > bestD) {
        bestD = d;
        best = h;
      }
    }
    picked.push(best);
  }
  return picked;
}

let cache: string[] | undefined;

/** Colour of each op class, in CLASS_ORDER. */
export function classPalette(): { domain: string[]; range: string[] } {
  cache ??= pickDistinct(CLASS_ORDER.length);
  return { domain: [...CLASS_ORDER], range: cache };
}

/** A vega-lite colour scale for op classes (same class, same colour in every chart). */
export function classColorScale(): { domain: string[]; range: string[] } {
  return classPalette();
}
