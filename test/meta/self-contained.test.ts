/**
 * The repository carries everything it reads: no file names a sibling folder outside the clone
 * (a `shared` folder beside it) or prints a path into that folder's reference data or fixtures, and every
 * `data/…` or `test/fixtures/…` file a source string cites exists, with a provenance README.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cli, ROOT } from '../helpers.ts';

const SCANNED = ['src', 'test', 'bench', 'docs', 'arch-configs', 'workloads', 'scripts', 'README.md', '.ci'];
const TEXT = /\.(ts|js|mjs|json|md|sh|py|txt)$|^run$/;

function files(p: string): string[] {
  const abs = join(ROOT, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs).flatMap((f) => (f === 'node_modules' ? [] : files(join(p, f))));
}

// Built from parts so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./' + 'shared', 'SHA' + 'RED *=', `["'\`( ]` + 'shared/(reference|fixtures)', '/work/' + 'shared'].join('|'));

/** Returns `file:line: text` for every line of the scanned folders that matches `re`. */
function grep(re: RegExp): string[] {
  const hits: string[] = [];
  for (const f of SCANNED.flatMap(files)) {
    if (!TEXT.test(f.replace(/^.*\//, '')) || statSync(f).size > 2e6) continue;
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (re.test(line)) hits.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
  return hits;
}

describe('the repository is self-contained', () => {
  it('the scan finds the files it should (a guard against scanning nothing)', () => {
    const scanned = SCANNED.flatMap(files).map((f) => relative(ROOT, f));
    expect(scanned).toContain('arch-configs/gpu/h100-sxm.json');
    expect(scanned).toContain('src/energy/tables.ts');
    expect(scanned).toContain('test/meta/self-contained.test.ts');
  });

  it('the pattern catches each form it is meant to catch', () => {
    const S = 'sha' + 'red';
    for (const bad of [`resolve(ROOT, '../${S}')`, 'const SHA' + 'RED = x', `"(${S}/reference/pim.json)"`, `'${S}/fixtures/a.json`, `see /work/${S}/x`]) {
      expect(OUTSIDE.test(bad), bad).toBe(true);
    }
    expect(OUTSIDE.test('data/reference/pim.json; shared-memory tile; sharedBandwidthBps')).toBe(false);
  });

  it('no file under src, test, bench, docs, arch-configs, workloads, scripts, .ci or the README reads or cites a folder outside the clone', () => {
    expect(grep(OUTSIDE)).toEqual([]);
  });

  it('every data/… and test/fixtures/… file that a source string cites exists', () => {
    const cited = new Set<string>();
    for (const hit of grep(/\b(data\/(reference|measured)|test\/fixtures)\/[\w.-]+\.(json|md|onnx)/)) {
      for (const m of hit.matchAll(/\b((?:data\/(?:reference|measured)|test\/fixtures)\/[\w./-]+?\.(?:json|md|onnx))/g)) cited.add(m[1]!);
    }
    expect(cited.size).toBeGreaterThan(5);
    expect([...cited].filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('each copied data folder states its provenance', () => {
    for (const dir of ['data/reference', 'data/measured', 'test/fixtures']) {
      const readme = join(ROOT, dir, 'README.md');
      expect(existsSync(readme), readme).toBe(true);
      const text = readFileSync(readme, 'utf8');
      // Every data file of the folder is named in its README.
      for (const f of readdirSync(join(ROOT, dir), { recursive: true }).map(String)) {
        if (/\.(json|onnx)$/.test(f)) expect(text, `${dir}/README.md names ${f}`).toContain(f.replace(/^.*\//, ''));
      }
    }
  });

  it('simulate prints no path outside the clone (calibration and energy sources)', async () => {
    const r = await cli(
      'simulate',
      '--arch',
      join(ROOT, 'arch-configs/gpu/h100-sxm.json'),
      '--model',
      join(ROOT, 'workloads/models/llama-2-7b.json'),
      '--phase',
      'decode',
      '--batch',
      '1',
      '--context',
      '512',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data/measured/h100-gemm-llama2-7b-fp16-bf16.json');
    expect(r.stdout).not.toMatch(/(^|[^\w/])shared\/(reference|fixtures)/);
  });
});
