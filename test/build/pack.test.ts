/**
 * The package is publishable: `npm pack` gives a tarball that installs into an empty project from
 * the local file with no network (it has no runtime dependencies: everything is bundled), and
 * whose bin runs `simulate` by short names (one device and a shipped system), `list` and `explore`. Slow (~a minute): npm installs for real.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT } from '../helpers.ts';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('npm pack → install offline → run', { timeout: 300_000 }, () => {
  it('has no runtime dependencies to fetch', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/', 'arch-configs/', 'workloads/', 'systems/', 'stacks/', 'hosts/', 'data/']));
  });

  it('installs from the tarball offline and runs simulate and list by names', () => {
    const work = mkdtempSync(join(tmpdir(), 'accelscope-pack-'));
    // dist/ is fresh (test/global-setup.ts), so pack without running prepare again.
    const packed = JSON.parse(execFileSync(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/accelscope.mjs');
    expect(files).toContain('arch-configs/gpu/h100-sxm.json');
    expect(files).toContain('workloads/models/llama-2-7b.json');
    expect(files).toContain('data/measured/h100-gemm-llama2-7b-fp16-bf16.json');
    expect(files).toContain('stacks/gpu/pytorch-cudagraph.json');
    expect(files).toContain('hosts/tinychat-rtx-4090.json');
    expect(files.filter((f) => /^(src|test|node_modules)\//.test(f))).toEqual([]);

    const project = join(work, 'project');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true }));
    const tgz = join(work, packed[0]!.filename);
    execFileSync(NPM, ['install', tgz, '--offline', '--no-audit', '--no-fund'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' },
    });
    expect(existsSync(join(project, 'node_modules/accelscope/dist/accelscope.mjs'))).toBe(true);
    // Only accelscope itself was installed.
    expect(Object.keys(JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')).packages)).toEqual(['', 'node_modules/accelscope']);

    const run = (args: string[]) =>
      spawnSync('npx', ['--no', 'accelscope', ...args], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true' },
      });
    const sim = run(['simulate', '--arch', 'h100', '--model', 'llama-2-7b', '--phase', 'decode', '--batch', '1', '--context', '512']);
    expect(sim.status, sim.stderr).toBe(0);
    expect(sim.stdout).toMatch(/tokens\/s/);
    expect(sim.stdout).toMatch(/data\/measured\/h100-gemm-llama2-7b-fp16-bf16\.json/);
    const list = run(['list']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ {2}h100-sxm +gpu-tensor-core: NVIDIA H100 SXM5 80GB/m);
    expect(list.stdout).toMatch(/^ {2}llama-2-7b +llama: 32 layers/m);
    // Shipped software stacks and hosts resolve from the package too.
    const stack = run([
      'simulate',
      '--arch',
      'rtx-4090',
      '--model',
      'llama-2-7b',
      '--phase',
      'decode',
      '--context',
      '4',
      '--stack',
      'tinychat',
      '--host',
      'tinychat-rtx-4090',
      '--quant',
      'tinychat-awq-w4a16',
    ]);
    expect(stack.status, stack.stderr).toBe(0);
    expect(stack.stdout).toMatch(/tinychat/);
    // Shipped systems resolve from the package, not the working directory.
    const sys = run(['simulate', '--system', 'dgx-h100', '--tp', '8', '--model', 'llama-3-70b', '--phase', 'decode', '--batch', '8', '--context', '1024']);
    expect(sys.status, sys.stderr).toBe(0);
    expect(sys.stdout).toMatch(/TP 8/);
    // The explorer's in-page script comes prebuilt (the installed package has no esbuild).
    const ex = run(['explore', '-o', 'explore.html']);
    expect(ex.status, ex.stderr).toBe(0);
    expect(readFileSync(join(project, 'explore.html'), 'utf8')).toMatch(/<script>/);
  });
});
