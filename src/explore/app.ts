/// <reference lib="dom" />
/**
 * The explorer's in-page program, bundled by esbuild into explore.html (src/explore/bundle.ts):
 * the simulator itself (workload builder, hardware models, engine/run) runs in the browser on
 * the configs the page carries. Changing a control rebuilds the graph, reruns the step and
 * redraws the summary, the per-class table and the charts; the time of each recompute is shown
 * and recorded in `data-compute-ms` on <html> (`data-redraw-ms`: until the charts are drawn again). Numbers are printed by util/format.ts, the same
 * formatter as `accelscope simulate`, so the page and the CLI agree digit for digit.
 */
import { buildGraph } from '../workload/builders/decoder.ts';
import type { RunResult } from '../engine/run.ts';
import { evaluateGraph, orThrow } from '../engine/evaluate.ts';
import { parseQuantScheme } from '../quant/scheme.ts';
import { latencySpec } from '../report/charts/latency.ts';
import { rooflineSpec } from '../report/charts/roofline.ts';
import { formatBytes, formatPercent, formatQuantity, formatSeconds, formatNumber } from '../util/format.ts';
import type { ExploreCatalog } from './catalog.ts';

declare const vegaEmbed: (el: string | HTMLElement, spec: unknown, opts: unknown) => Promise<{ view: { finalize(): void } }>;

interface State {
  arch: number;
  model: number;
  phase: 'prefill' | 'decode';
  batch: number;
  tokens: number;
  quant: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function simulateState(cat: ExploreCatalog, s: State): RunResult {
  const arch = cat.archs[s.arch]!;
  const model = cat.models[s.model]!;
  const graph = buildGraph(
    model.spec,
    s.phase === 'prefill' ? { phase: 'prefill', batch: s.batch, seq: s.tokens } : { phase: 'decode', batch: s.batch, context: s.tokens },
  );
  return orThrow(evaluateGraph(graph, arch.config, parseQuantScheme(s.quant), { ignoreCapacity: true, archFile: arch.file })).run;
}

/** The figures a reader compares with `accelscope simulate`: name → printed text. */
export function figures(r: RunResult): Record<string, string> {
  const t = r.totals;
  return {
    'time per step': formatSeconds(t.seconds),
    roofline: formatSeconds(t.rooflineSeconds),
    'tokens/s': formatQuantity(t.tokensPerSecond, 'tokens/s'),
    FLOPs: formatQuantity(t.flops, 'FLOP'),
    'DRAM bytes': formatBytes(t.bytes),
    'energy per step': formatQuantity(t.energyJ, 'J'),
    'energy per token': formatQuantity(t.energyPerTokenJ, 'J'),
    'average power': formatQuantity(t.averagePowerW, 'W'),
    memory: `${formatBytes(r.memory.totalBytes)} of ${formatBytes(r.memory.capacityBytes)}${r.memory.fits ? '' : ' — does not fit'}`,
  };
}

function main(): void {
  const cat = JSON.parse(document.getElementById('explore-data')!.textContent) as ExploreCatalog;
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const archSel = $<HTMLSelectElement>('c-arch'),
    modelSel = $<HTMLSelectElement>('c-model'),
    quantSel = $<HTMLSelectElement>('c-quant');
  const phaseSel = $<HTMLSelectElement>('c-phase'),
    batchIn = $<HTMLInputElement>('c-batch'),
    tokensIn = $<HTMLInputElement>('c-tokens');
  archSel.innerHTML = [...new Set(cat.archs.map((a) => a.kind))]
    .map(
      (k) => `<optgroup label="${esc(k)}">${cat.archs.map((a, i) => (a.kind === k ? `<option value="${i}">${esc(a.name)}</option>` : '')).join('')}</optgroup>`,
    )
    .join('');
  modelSel.innerHTML = cat.models.map((m, i) => `<option value="${i}">${esc(m.name)}</option>`).join('');
  quantSel.innerHTML = cat.quants.map((q) => `<option>${esc(q)}</option>`).join('');
  const h100 = cat.archs.findIndex((a) => /h100/i.test(a.file));
  archSel.value = String(h100 >= 0 ? h100 : 0);
  const llama = cat.models.findIndex((m) => /llama-3-8b/.test(m.file));
  modelSel.value = String(llama >= 0 ? llama : 0);

  let views: { finalize(): void }[] = [];
  let generation = 0;
  const redraw = () => {
    const s: State = {
      arch: Number(archSel.value),
      model: Number(modelSel.value),
      phase: phaseSel.value as State['phase'],
      batch: Math.max(1, Math.floor(Number(batchIn.value) || 1)),
      tokens: Math.max(phaseSel.value === 'prefill' ? 1 : 0, Math.floor(Number(tokensIn.value) || 0)),
      quant: quantSel.value,
    };
    $('c-tokens-label').textContent = s.phase === 'prefill' ? 'prompt tokens (seq)' : 'context (tokens in the KV cache)';
    const t0 = performance.now();
    let r: RunResult;
    try {
      r = simulateState(cat, s);
    } catch (e) {
      $('result').innerHTML = `<p class="bad" id="error">${esc((e as Error).message)}</p>`;
      document.documentElement.setAttribute('data-state', 'error');
      return;
    }
    const ms = performance.now() - t0;
    const f = figures(r);
    const head = `<p class="sub" id="design">${esc(r.workload.model)} · ${r.workload.phase} · batch ${r.workload.batch} · ${r.workload.phase === 'prefill' ? `seq ${r.workload.seq}` : `context ${r.workload.context}`} · ${esc(r.quant.name)} on ${esc(r.arch.name)} [${esc(r.arch.kind)}]</p>`;
    const summary = `<table id="figures"><tbody>${Object.entries(f)
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num" data-figure="${esc(k)}">${esc(v)}</td></tr>`)
      .join('')}</tbody></table>`;
    const classes = `<table id="classes"><thead><tr><th>op class</th><th>ops</th><th>time</th><th>% time</th><th>roofline</th><th>FLOPs</th><th>bytes</th><th>FLOP/B</th><th>bound</th></tr></thead><tbody>${r.classes.map((c) => `<tr><td>${esc(c.cls)}</td><td class="num">${c.ops}</td><td class="num">${formatSeconds(c.seconds)}</td><td class="num">${formatPercent(c.seconds / r.totals.seconds)}</td><td class="num">${formatSeconds(c.rooflineSeconds)}</td><td class="num">${formatQuantity(c.flops, 'FLOP')}</td><td class="num">${formatBytes(c.bytes)}</td><td class="num">${formatNumber(c.intensity)}</td><td>${esc(c.bound)}</td></tr>`).join('')}</tbody></table>`;
    const warn = r.warnings.length ? `<ul class="warn">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '';
    $('result').innerHTML = head + summary + warn + classes;
    $('timing').textContent = `recomputed in ${formatNumber(ms)} ms (${r.ops.length} ops simulated in this page)`;
    document.documentElement.setAttribute('data-compute-ms', String(ms));
    const g = ++generation;
    views.forEach((v) => v.finalize());
    views = [];
    const opts = { actions: false, renderer: 'svg', mode: 'vega-lite', loader: { load: () => Promise.reject(new Error('offline')) } };
    Promise.all([vegaEmbed('#chart-latency', latencySpec([r]), opts), vegaEmbed('#chart-roofline', rooflineSpec(r, `Roofline — ${r.arch.name}`), opts)]).then(
      (res) => {
        if (g !== generation) {
          res.forEach((x) => x.view.finalize());
          return;
        }
        views = res.map((x) => x.view);
        // Recompute and redraw: from the control's change until both charts are drawn (bench/explore-browser.bench.ts).
        document.documentElement.setAttribute('data-redraw-ms', String(performance.now() - t0));
        document.documentElement.setAttribute('data-state', `ready-${g}`);
      },
      (e) => {
        document.documentElement.setAttribute('data-state', 'error');
        console.error('explorer: a chart failed: ' + (e instanceof Error && e.message ? e.message : String(e)));
      },
    );
  };
  for (const el of [archSel, modelSel, quantSel, phaseSel]) el.addEventListener('change', redraw);
  for (const el of [batchIn, tokensIn]) el.addEventListener('input', redraw);
  (window as unknown as { __explore: unknown }).__explore = { redraw, catalog: cat };
  redraw();
}

main();
