/**
 * `serve` prints its figures through the one formatter (src/util/format.ts): SI prefixes with the
 * unit, three significant digits, no exponent — the text figures equal the formatter applied to the
 * `--json` figures of the same run (issue #24: `1.08e+3 J per request` was printed).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archPath, cli, modelPath } from '../helpers.ts';
import { formatNumber, formatPercent, formatQuantity } from '../../src/util/format.ts';

// One request at a time, 1024 output tokens each: over a kilojoule per request, the magnitude the issue quotes.
const base = ['serve', '--arch', archPath('gpu/h100-sxm'), '--model', modelPath('llama-3-8b')];
const req = 'poisson:rate=0.2,n=10,prompt=fixed(1024),output=fixed(1024)';
const EXPONENT = /\d(\.\d+)?e[+-]?\d/;

describe('serve figures', () => {
  it('textEqualsTheFormatterOfTheJsonFigures: energy in kJ, rates in req/s and tokens/s, no exponent', async () => {
    const [text, json] = await Promise.all([
      cli(...base, '--requests', req, '--slo', 'ttft=1s'),
      cli(...base, '--requests', req, '--slo', 'ttft=1s', '--json'),
    ]);
    expect(text.code).toBe(0);
    const s = (JSON.parse(json.stdout) as { summary: Record<string, number> & { little: { L: number }; batch: { mean: number }; kvUse: { mean: number } } })
      .summary;
    const line = (k: string) => text.stdout.split('\n').find((l) => l.startsWith(k))!;
    expect(line('energy')).toContain(
      `${formatQuantity(s['energyPerRequestJ']!, 'J')} per request · ${formatQuantity(s['energyPerOutputTokenJ']!, 'J')} per output token`,
    );
    expect(s['energyPerRequestJ']).toBeGreaterThan(1000);
    expect(line('energy')).toMatch(/^energy\s+\d[\d.]* kJ per request/);
    expect(line('throughput')).toContain(
      `${formatQuantity(s['requestsPerSecond']!, 'req/s')} · ${formatQuantity(s['outputTokensPerSecond']!, 'output tokens/s')}`,
    );
    expect(line('goodput')).toContain(`${formatQuantity(s['goodputRps']!, 'req/s')} meet ttft ≤ 1 s (${formatPercent(s['sloAttainment']!)})`);
    expect(line('batch')).toContain(`mean ${formatNumber(s.batch.mean)} `);
    expect(line('KV cache use')).toContain(`mean ${formatPercent(s.kvUse.mean)}`);
    expect(line("Little's law")).toContain(`L = ${formatNumber(s.little.L)} requests`);
    for (const k of ['requests', 'throughput', 'goodput', 'energy', 'batch', 'KV cache use', 'saturation', "Little's law"])
      expect(line(k), k).not.toMatch(EXPONENT);
  }, 120_000);

  it('theHtmlSummaryUsesTheSameFormatter', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'serve-num-')), 'r.html');
    const r = await cli(...base, '--requests', req, '--slo', 'ttft=1s', '--json', '--html', html);
    const s = (JSON.parse(r.stdout) as { summary: Record<string, number> }).summary;
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`${formatQuantity(s['energyPerRequestJ']!, 'J')} per request`);
    expect(page).toContain(`offered ${formatQuantity(s['offeredRate']!, 'req/s')}`);
    const summary = page.slice(0, page.indexOf('</table>'));
    expect(summary).not.toMatch(EXPONENT);
  }, 120_000);
});
