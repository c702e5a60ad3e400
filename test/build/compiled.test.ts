/**
 * The compiled CLI (dist/, run by bin/accelscope.js) behaves as the sources do: same output, same
 * one-line errors (from the standalone validators generated at build time), and it validates arch
 * configs without loading ajv at all.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cli, ROOT } from '../helpers.ts';
import { COMMANDS } from '../../src/cli/commands/index.ts';

function bin(args: string[], binPath = join(ROOT, 'bin/accelscope.js')) {
  const r = spawnSync(process.execPath, [binPath, ...args], { cwd: tmpdir(), encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const H100 = join(ROOT, 'arch-configs/gpu/h100-sxm.json');
const LLAMA = join(ROOT, 'workloads/models/llama-2-7b.json');
const decode = ['--phase', 'decode', '--batch', '1', '--context', '512'];

describe('the compiled CLI', () => {
  it('exists and prints the package version', () => {
    expect(existsSync(join(ROOT, 'dist/accelscope.mjs'))).toBe(true);
    const r = bin(['--version']);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('formats fp16 --codes --json: byte-identical to the sources', async () => {
    const compiled = bin(['formats', 'fp16', '--codes', '--json']);
    const source = await cli('formats', 'fp16', '--codes', '--json');
    expect(compiled.code).toBe(0);
    expect(compiled.stdout.length).toBeGreaterThan(1e6);
    expect(compiled.stdout).toBe(source.stdout);
  });

  it('simulate by short names, run from another directory: same JSON as the sources', async () => {
    const compiled = bin(['simulate', '--arch', 'h100', '--model', 'llama-2-7b', ...decode, '--json']);
    const source = await cli('simulate', '--arch', H100, '--model', LLAMA, ...decode, '--json');
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(JSON.parse(compiled.stdout)).toEqual(JSON.parse(source.stdout));
  });

  it('a schema violation: the same one-line error from the precompiled validator as from ajv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compiled-'));
    const bad = join(dir, 'bad.json');
    const doc = JSON.parse(readFileSync(H100, 'utf8'));
    doc.gpu.sms = -4;
    doc.memory.bogus = 1;
    writeFileSync(bad, JSON.stringify(doc));
    const compiled = bin(['simulate', '--arch', bad, '--model', LLAMA, ...decode]);
    const source = await cli('simulate', '--arch', bad, '--model', LLAMA, ...decode);
    expect(compiled.code).toBe(2);
    expect(compiled.stderr).toMatch(/^error: .*bad\.json: \/\S+: .+\n$/);
    expect(compiled.stderr).toBe(source.stderr);
  });

  it('validates every shipped arch kind without ajv: a dist with ajv removed still runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compiled-noajv-'));
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'accelscope', version: '0.0.0-test', type: 'module' }));
    rmSync(join(dir, 'dist/lib/ajv-2020.cjs'));
    for (const [arch, quant] of [
      ['gpu/h100-sxm', 'w16a16'],
      ['fpga/u280-flightllm', join(ROOT, 'workloads/quant/flightllm-w4a8.json')],
      ['pim/neupims', 'w16a16'],
      ['lut/tmac-raspberry-pi-5', 'w16a16'],
    ]) {
      const r = bin(
        [
          'simulate',
          '--arch',
          join(ROOT, `arch-configs/${arch}.json`),
          '--model',
          join(ROOT, 'workloads/models/qwen2-0.5b.json'),
          '--quant',
          quant!,
          ...decode,
          '--ignore-capacity',
        ],
        join(dir, 'bin/accelscope.js'),
      );
      expect(r.stderr, arch).not.toMatch(/ajv-2020|internal error/);
      expect(r.code, `${arch}: ${r.stderr}`).toBe(0);
    }
  });

  it('each command loaded on demand (scripts/lazy-commands.ts): the same command list, errors and did-you-mean as the sources', async () => {
    const help = bin(['--help']);
    expect(help.code).toBe(0);
    const flat = (t: string) => t.replace(/\s+/g, ' ');
    for (const c of COMMANDS) {
      const name = Array.isArray(c.command) ? c.command[0]! : c.command;
      expect(flat(help.stdout), name).toContain(flat(`accelscope ${name}`));
      expect(flat(help.stdout), name).toContain(flat(c.describe));
    }
    expect(bin(['formats', '--help']).stdout).toMatch(/--codes\s+print the value of every code/);
    for (const args of [['simulat'], ['formats', 'fp16', '--codez'], ['formats', 'fp8-e4m3', '--codes']]) {
      const compiled = bin(args);
      const source = await cli(...args);
      expect({ code: compiled.code, out: compiled.stdout, err: compiled.stderr }, args.join(' ')).toEqual({
        code: source.code,
        out: source.stdout,
        err: source.stderr,
      });
    }
    expect(bin(['formats', 'fp16', '--codez']).stderr).toMatch(/did you mean --codes\?/);
  });

  it('formats and --version load no hardware model, schema or name catalogue (chunks beside the entry)', () => {
    const files = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.mjs'));
    const reach = (entry: string) => {
      const seen = new Set<string>();
      const todo = [entry];
      while (todo.length) {
        const f = todo.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        // Static imports only: a dynamic import() loads when its command runs.
        for (const m of readFileSync(join(ROOT, 'dist', f), 'utf8').matchAll(/(?:from|import)\s*"\.\/([\w-]+\.mjs)"/g)) todo.push(m[1]!);
      }
      return [...seen].map((f) => readFileSync(join(ROOT, 'dist', f), 'utf8')).join('\n');
    };
    const formats = files.find((f) => /^formats-\w+\.mjs$/.test(f));
    expect(formats).toBeDefined();
    const loaded = reach('accelscope.mjs') + reach(formats!);
    for (const heavy of ['gpu-tensor-core', 'pim-dram', 'TypeBox', 'shippedFiles']) expect(loaded.includes(heavy), heavy).toBe(false);
    // …while simulate's chunks do carry them.
    const simulate = files.find((f) => /^simulate-\w+\.mjs$/.test(f))!;
    expect(reach(simulate)).toMatch(/gpu-tensor-core/);
  });

  it('without dist/, the bin says how to build it (one line, exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compiled-nodist-'));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'accelscope', type: 'module' }));
    const r = bin(['--version'], join(dir, 'bin/accelscope.js'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: dist/accelscope.mjs is missing: run `npm run build` (npm ci runs it)\n');
  });
});
