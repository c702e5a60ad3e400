/**
 * One self-contained, offline HTML file: the vega, vega-lite and vega-embed builds are read from
 * node_modules and inlined, each chart's vega-lite spec (data included) is inlined as JSON, and a
 * Content-Security-Policy forbids every network fetch (connect-src, img-src, font-src 'none'
 * except data:/blob:), so the page can neither load nor leak anything. vega-embed gets a loader
 * that refuses every URL, as a second guard.
 *
 * The page exposes window.__accelscope = {views, ready, marks(id)} for the browser tests, and sets
 * <html data-rendered="true"> once every chart has rendered ("error" if one failed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED } from '../build/build-info.ts';
import type { VlSpec } from './charts/common.ts';

export interface ChartSection {
  id: string;
  title: string;
  spec: VlSpec;
  /** Text under the heading (plain text, escaped). */
  note?: string;
  /** 'canvas' for charts with thousands of marks (SVG gets slow); default 'svg'. */
  renderer?: 'svg' | 'canvas';
  /** Rows offered as CSV/JSON download; default: the data of the spec (or of its first layer with data). */
  download?: unknown[];
}

export interface HtmlSection {
  id: string;
  title: string;
  /** Already-escaped HTML (tables built by summary.ts). */
  html: string;
  /** Rows offered as CSV/JSON download (a table's figures, unformatted). */
  download?: unknown[];
}

export interface ReportDocument {
  title: string;
  subtitle?: string;
  /** Already-escaped HTML of the summary at the top. */
  summaryHtml: string;
  sections: (ChartSection | HtmlSection)[];
}

const RUNTIME: [pkg: string, file: string][] = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
];

let runtimeCache: string | undefined;

/** The three UMD builds, concatenated as inline <script> elements (read once per process). */
export function inlineRuntime(): string {
  if (runtimeCache !== undefined) return runtimeCache;
  const require = createRequire(import.meta.url);
  const parts: string[] = [];
  for (const [pkg, file] of RUNTIME) {
    // The compiled package carries the builds in dist/vendor/<pkg>/ (scripts/build.ts copies them).
    const dirs = BUNDLED ? [fileURLToPath(new URL('./vendor/', import.meta.url))] : (require.resolve.paths(pkg) ?? []);
    const path = dirs.map((d) => join(d, pkg, file)).find((p) => existsSync(p));
    if (!path) throw new Error(`report runtime missing: ${pkg}/${file} not found in ${BUNDLED ? 'dist/vendor' : 'node_modules (npm ci)'}`);
    const js = readFileSync(path, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
    parts.push(`<script data-lib="${pkg}">${js}</script>`);
  }
  runtimeCache = parts.join('\n');
  return runtimeCache;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside <script type="application/json">: no '<' can close the element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export const CSP = [
  "default-src 'none'",
  // vega compiles its expressions with Function(): 'unsafe-eval'; every script is inline.
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  'font-src data:',
  "connect-src 'none'",
].join('; ');

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 16px}.note{color:#555;font-size:13px;margin:4px 0 8px}
table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
.dl{margin:2px 0 6px}.dl button{font-size:12px;margin-right:6px;padding:1px 8px;cursor:pointer}.scroll{max-height:480px;overflow:auto}
.warn{color:#a40}.bad{color:#b00;font-weight:600}.ok{color:#070}.chart{margin:8px 0 16px;overflow-x:auto}
footer{color:#888;font-size:12px;margin-top:32px}#result-view{background:#f6f6f6;padding:8px;max-height:360px;overflow:auto;font-size:12px}`;

/** The in-page script: embeds every chart, records views, marks the document rendered. */
const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('accelscope-specs').textContent);
  var refuse = function (uri) { return Promise.reject(new Error('accelscope reports load nothing: ' + uri)); };
  var loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };
  var views = {};
  function marks(id) {
    var out = {};
    function walk(node) {
      if (!node) return;
      if (node.marktype) {
        if (node.marktype !== 'group' && node.role === 'mark') out[node.name] = (out[node.name] || 0) + node.items.length;
        node.items.forEach(function (it) { (it.items || []).forEach(walk); });
      } else if (node.items) node.items.forEach(walk);
    }
    walk(views[id].scenegraph().root);
    return out;
  }
  var ready = Promise.all(specs.map(function (s) {
    return vegaEmbed('#chart-' + s.id, s.spec, { actions: false, renderer: s.renderer, mode: 'vega-lite', loader: loader })
      .then(function (r) { views[s.id] = r.view; });
  })).then(function () {
    document.documentElement.setAttribute('data-rendered', 'true');
  }, function (e) {
    document.documentElement.setAttribute('data-rendered', 'error');
    console.error('accelscope report: a chart failed to render: ' + (e && e.message ? e.message : e));
  });
  var embedded;
  function rowsOf(id) {
    embedded = embedded || JSON.parse(document.getElementById('accelscope-downloads').textContent);
    if (embedded[id]) return embedded[id];
    var s = specs.filter(function (x) { return x.id === id; })[0];
    if (!s) return [];
    if (s.spec.data && s.spec.data.values) return s.spec.data.values;
    var best = [];
    (s.spec.layer || []).forEach(function (l) { if (l.data && l.data.values && l.data.values.length > best.length) best = l.data.values; });
    return best;
  }
  function csvCell(v) {
    if (v === null || v === undefined) return '';
    var s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function downloadText(id, fmt) {
    var rows = rowsOf(id);
    if (fmt === 'json') return JSON.stringify(rows, null, 2) + '\\n';
    var keys = [];
    rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
    return [keys.map(csvCell).join(',')].concat(rows.map(function (r) { return keys.map(function (k) { return csvCell(r[k]); }).join(','); })).join('\\n') + '\\n';
  }
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button[data-dl]');
    if (b) {
      var fmt = b.getAttribute('data-fmt');
      var blob = new Blob([downloadText(b.getAttribute('data-dl'), fmt)], { type: fmt === 'csv' ? 'text/csv' : 'application/json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = b.getAttribute('data-dl') + '.' + fmt;
      document.body.appendChild(a); a.click(); a.remove();
      return;
    }
    var th = ev.target.closest && ev.target.closest('table.sortable th');
    if (th) sortBy(th);
  });
  function sortBy(th) {
    var table = th.closest('table'), tbody = table.tBodies[0];
    var i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var num = th.hasAttribute('data-num');
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = a.cells[i], y = b.cells[i];
      var c = num ? Number(x.getAttribute('data-v')) - Number(y.getAttribute('data-v')) : x.textContent.localeCompare(y.textContent);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  // A sweep point links to its full result: a click on a mark with an id (or a #result-<id> link) shows its line.
  function showResult() {
    var m = /^#result-(.+)$/.exec(location.hash), pre = document.getElementById('result-view');
    if (!m || !pre) return;
    var line = rowsOf('result').filter(function (l) { return l.id === decodeURIComponent(m[1]); })[0];
    pre.textContent = line ? JSON.stringify(line, null, 2) : 'no result with id ' + m[1];
    pre.setAttribute('data-id', line ? line.id : '');
    pre.scrollIntoView();
  }
  window.addEventListener('hashchange', showResult);
  ready.then(function () {
    Object.keys(views).forEach(function (id) {
      views[id].addEventListener('click', function (ev, item) {
        if (item && item.datum && typeof item.datum.id === 'string' && document.getElementById('result-view')) location.hash = 'result-' + item.datum.id;
      });
    });
    showResult();
  });
  window.__accelscope = { views: views, ready: ready, marks: marks, downloadText: downloadText, charts: specs.map(function (s) { return { id: s.id, renderer: s.renderer }; }) };
})();`;

/** The rows a chart draws: its top-level data, else the largest inline data set of its layers. */
function specRows(spec: VlSpec): unknown[] | undefined {
  const sp = spec as { data?: { values?: unknown[] }; layer?: { data?: { values?: unknown[] } }[] };
  if (Array.isArray(sp.data?.values)) return sp.data.values;
  const layers = (sp.layer ?? []).map((l) => l.data?.values).filter((v): v is unknown[] => Array.isArray(v));
  return layers.sort((a, b) => b.length - a.length)[0];
}

function isChart(s: ChartSection | HtmlSection): s is ChartSection {
  return 'spec' in s;
}

/**
 * The start of every page accelscope writes (reports and the explorer): doctype, the CSP that
 * blocks every fetch, the viewport, the title, the page's own style, and the title again as h1.
 */
export function pageHead(title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
`;
}

export function renderHtml(doc: ReportDocument): string {
  const charts = doc.sections.filter(isChart).map((s) => ({ id: s.id, renderer: s.renderer ?? 'svg', spec: s.spec }));
  // Tables' rows are embedded (parsed only when asked for); a chart's rows are its spec's data.
  const downloads: Record<string, unknown[]> = {};
  const offered = new Set<string>();
  for (const s of doc.sections) {
    if (s.download) downloads[s.id] = s.download;
    if (s.download || (isChart(s) && specRows(s.spec))) offered.add(s.id);
  }
  const dl = (id: string) =>
    offered.has(id)
      ? `<p class="dl">download: <button data-dl="${escapeHtml(id)}" data-fmt="csv">CSV</button><button data-dl="${escapeHtml(id)}" data-fmt="json">JSON</button></p>`
      : '';
  const body = doc.sections
    .map((s) => {
      const head = `<h2 id="${escapeHtml(s.id)}">${escapeHtml(s.title)}</h2>`;
      if (!isChart(s)) return `<section>${head}${dl(s.id)}${s.html}</section>`;
      const note = s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : '';
      return `<section>${head}${note}${dl(s.id)}<div class="chart" id="chart-${escapeHtml(s.id)}"></div></section>`;
    })
    .join('\n');
  return `${pageHead(doc.title, STYLE)}${doc.subtitle ? `<p class="sub">${escapeHtml(doc.subtitle)}</p>` : ''}
${doc.summaryHtml}
${body}
<footer>Generated by accelscope. Self-contained: vega, vega-lite, vega-embed and all data are inlined; this page makes no network request.</footer>
<script type="application/json" id="accelscope-specs">${scriptJson(charts)}</script>
<script type="application/json" id="accelscope-downloads">${scriptJson(downloads)}</script>
${inlineRuntime()}
<script>${BOOT}</script>
</body>
</html>
`;
}
