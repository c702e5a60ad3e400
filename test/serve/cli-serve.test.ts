import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { archPath, cli, modelPath, ROOT } from '../helpers.ts';

const base = ['serve', '--arch', archPath('gpu/h100-sxm'), '--model', modelPath('qwen2-0.5b')];
const req = 'poisson:rate=50,n=200,prompt=lognormal(400,0.8,3000),output=fixed(32)';

describe('accelscope serve', () => {
  it('prints percentiles, throughput and goodput', async () => {
    const r = await cli(...base, '--requests', req, '--slo', 'ttft=200ms,tpot=20ms');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TTFT\s+[\d.]+ (ms|µs)/);
    expect(r.stdout).toContain('goodput');
    expect(r.stdout).toContain("Little's law");
  });
  it('--json, --jsonl and --html: one document, one line per request, an offline report', async () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'serve-cli-'));
    const jsonl = resolve(dir, 'r.jsonl');
    const html = resolve(dir, 'r.html');
    const r = await cli(...base, '--requests', req, '--json', '--jsonl', jsonl, '--html', html, '--slo', 'ttft=1s');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kind).toBe('serve');
    expect(doc.summary.requests).toBe(200);
    expect(doc.summary.ttftS.p99).toBeGreaterThanOrEqual(doc.summary.ttftS.p50);
    expect(doc.kv.blocksPerDevice).toBeGreaterThan(0);
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(200);
    expect(lines[0]).toHaveProperty('ttftS');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Latency CDF');
    expect(page).toContain("connect-src 'none'");
  });
  it('replays a trace in the Azure layout', async () => {
    const r = await cli(...base, '--requests', `trace:${ROOT}/test/fixtures/serve/azure-layout.csv`, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.requests).toBe(4);
  });
  it('--max-rate finds a rate whose attainment meets the target', async () => {
    const r = await cli(
      ...base,
      '--requests',
      'poisson:rate=20,n=150,prompt=fixed(512),output=fixed(32)',
      '--slo',
      'ttft=50ms,tpot=10ms',
      '--max-rate',
      '--json',
    );
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout).maxRate;
    expect(m.attainment).toBeGreaterThanOrEqual(0.9);
    expect(m.rate).toBeGreaterThan(20);
    // Every tried rate above the answer missed the target (bisection kept the boundary).
    expect(m.tried.filter((t: { rate: number; attainment: number }) => t.rate > m.rate * 1.0001).every((t: { attainment: number }) => t.attainment < 0.9)).toBe(
      true,
    );
  });
  it('bad input is one line, exit 2, nothing written', async () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'serve-bad-'));
    const html = resolve(dir, 'x.html');
    const cases: [string[], RegExp][] = [
      [['--requests', 'poisson:rate=1,prompt=fixed(1),output=fixed(1)'], /^error: --requests: poisson needs n=<requests> or duration=<seconds>\n$/],
      [['--requests', req, '--slo', 'ttft=fast'], /^error: --slo: 'ttft=fast' is not metric=value with a unit/],
      [['--requests', req, '--scheduler', 'fifo'], /^error: --scheduler must be static or continuous/],
      [['--requests', req, '--disagg', '2'], /^error: --disagg must be P:D/],
      [['--requests', req, '--kv-link', 'carrier-pigeon', '--disagg', '1:1'], /^error: --kv-link: unknown link 'carrier-pigeon'/],
      [['--requests', 'trace:/nonexistent.csv'], /^error: \/nonexistent\.csv: no such file\n$/],
      [['--requests', req, '--max-rate'], /^error: --max-rate needs --slo/],
      [
        ['--requests', req, '--kv-blocks', '3'],
        /^error: request \d+ \(prompt \d+ \+ output 32 tokens\) needs \d+ KV blocks of 16 tokens; the device holds 3\n$/,
      ],
      [['--requests', req, '--system', 'x.json'], /^error: x\.json: no such file/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(...base, ...args, '--html', html);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.split('\n').filter(Boolean).length).toBe(1);
    }
    expect(existsSync(html)).toBe(false);
  });
});
