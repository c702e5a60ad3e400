/**
 * Renders a vega-lite spec in Node exactly as the page would compile it: vega-lite compile, then a
 * headless vega View (renderer 'none'); returns the SVG and the item count of every named mark.
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VlSpec } from '../../src/report/charts/common.ts';

export interface Rendered {
  svg: string;
  /** mark name → number of items drawn. */
  marks: Record<string, number>;
  warnings: string[];
}

interface SceneNode {
  marktype?: string;
  role?: string;
  name?: string;
  items: (SceneNode & { items?: SceneNode[] })[];
}

export function countMarks(root: SceneNode): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (node: SceneNode | undefined): void => {
    if (!node) return;
    if (node.marktype) {
      if (node.marktype !== 'group' && node.role === 'mark') out[node.name!] = (out[node.name!] ?? 0) + node.items.length;
      for (const it of node.items) for (const c of it.items ?? []) walk(c);
    } else for (const c of node.items ?? []) walk(c);
  };
  walk(root);
  return out;
}

export async function renderSpec(spec: VlSpec): Promise<Rendered> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => {
      warnings.push(a.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
    error: (...a: unknown[]) => {
      throw new Error(a.join(' '));
    },
  };
  const vg = compile(spec, { logger: logger }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  const svg = await view.toSVG();
  const marks = countMarks((view.scenegraph() as unknown as { root: SceneNode }).root);
  view.finalize();
  return { svg, marks, warnings };
}
