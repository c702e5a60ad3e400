/**
 * Hosts (`hosts/*.json`, `--host`, src/stack/host.ts): a host's launch costs replace the stack's;
 * the shipped TinyChat hosts are derived from the host-bound NVILA-2B rows of the TinyChat tables
 * (src/compare/host-bound.ts), not chosen; bad host files and a host without a stack are one-line
 * errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArch, loadModel, loadQuant } from '../../src/config/load.ts';
import { loadStack } from '../../src/config/load-stack.ts';
import { loadHost, stackOnHost } from '../../src/config/load-host.ts';
import { resolveShippedName } from '../../src/catalog/resolve-name.ts';
import { run } from '../../src/engine/run.ts';
import { buildGraph } from '../../src/workload/builders/decoder.ts';
import { hostLaunchFromRun } from '../../src/compare/host-bound.ts';
import { hostLaunchOfHostBoundStep } from '../../src/stack/host.ts';
import { ROOT, cli, userError } from '../helpers.ts';

const tinychat = () => loadStack(resolveShippedName('stacks', 'tinychat', '--stack'));
const host = (name: string) => resolveShippedName('hosts', name, '--host');
const awq = loadQuant(join(ROOT, 'workloads/quant/tinychat-awq-w4a16.json'));
const decode = (model: string, gpu: string, context: number, st = tinychat()) =>
  run(
    buildGraph(loadModel(resolveShippedName('models', model, '--model')), { phase: 'decode', batch: 1, context }),
    loadArch(resolveShippedName('archs', gpu, '--arch')),
    awq,
    {
      ignoreCapacity: true,
      stack: st,
    },
  );

function writeHost(doc: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), 'host-')), 'h.json');
  writeFileSync(f, JSON.stringify(doc));
  return f;
}

describe('a host replaces the stack launch costs', () => {
  it('A100 Llama-2-7B W4A16 decode: device-bound at the stack placeholder (6 µs), host-bound on the tinychat-a100 host (13.7 µs × 387 kernels + lm_head)', () => {
    const bare = decode('llama-2-7b', 'a100-sxm-40gb', 4);
    expect(bare.stack!.calibration.find((c) => c.name === 'hostLaunchSeconds')!.value).toBe(6e-6);
    expect(bare.stack!.step.hostSeconds).toBeLessThan(bare.stack!.step.deviceSeconds);
    const st = stackOnHost(tinychat(), host('tinychat-a100'))!;
    const r = decode('llama-2-7b', 'a100-sxm-40gb', 4, st);
    const f = r.stack!.calibration.find((c) => c.name === 'hostLaunchSeconds')!;
    expect([f.value, f.origin]).toEqual([13.7e-6, 'config']);
    expect(f.source).toMatch(/^host 'tinychat-a100': derived/);
    expect(r.stack!.step.kernels).toBe(387);
    expect(r.stack!.step.hostSeconds).toBeCloseTo(387 * 13.7e-6, 12);
    // host-bound: the step is the host's issue time plus the last kernel, well above the device's work
    const lmHead = r.ops[r.ops.length - 1]!;
    expect(lmHead.name).toBe('lm_head');
    expect(r.totals.seconds).toBeCloseTo(387 * 13.7e-6 + lmHead.seconds, 9);
    expect(r.totals.seconds).toBeGreaterThan(1.5 * r.stack!.step.deviceSeconds);
    // the device times do not depend on the host
    expect(r.stack!.step.deviceSeconds).toBeCloseTo(bare.stack!.step.deviceSeconds, 12);
  });

  it('the shipped TinyChat hosts are the NVILA-2B derivation (data/reference/tinychat.json host_rows), to 0.1 µs', () => {
    type HostRow = { gpu: string; llm: string; context: number; int4_s: number };
    const rows = (JSON.parse(readFileSync(join(ROOT, 'data/reference/tinychat.json'), 'utf8')) as { host_rows: HostRow[] }).host_rows;
    const hostOf: Record<string, string> = { 'rtx-4090': 'tinychat-rtx-4090', 'jetson-agx-orin': 'tinychat-jetson-agx-orin', 'a100-sxm-40gb': 'tinychat-a100' };
    expect(rows.map((r) => r.gpu).sort()).toEqual(Object.keys(hostOf).sort());
    for (const row of rows) {
      const d = hostLaunchFromRun(row.int4_s, decode(row.llm, row.gpu, row.context));
      // Qwen2-1.5B under TinyChat: embedding + 28 × (12 + the QKV bias add) + final norm + lm_head
      expect(d.kernels).toBe(1 + 28 * 13 + 2);
      const shipped = loadHost(host(hostOf[row.gpu]!)).calibration['hostLaunchSeconds']!.value;
      expect(Math.abs(shipped - d.hostLaunchSeconds)).toBeLessThan(0.05e-6);
    }
  });

  it('a step the device bounds gives no host figure', () => {
    const r = decode('qwen2-1.5b', 'a100-sxm-40gb', 132);
    expect(() => hostLaunchFromRun(0.9 * r.stack!.step.deviceSeconds, r)).toThrow(/not host-bound/);
    expect(() => hostLaunchOfHostBoundStep(1e-3, 0, 1e-4)).toThrow(RangeError);
    expect(hostLaunchOfHostBoundStep(5e-3, 100, 1e-3)).toBeCloseTo(4e-5, 15);
  });
});

describe('bad hosts', () => {
  const base = { name: 'h', description: 'a host', sources: {} };
  it('an unknown factor names the closest host factor; a device-side stack factor is not a host factor', () => {
    const f = writeHost({ ...base, calibration: { hostLaunchSecond: { value: 1e-5, source: 's' } } });
    const e = userError(() => loadHost(f));
    expect(e.message).toBe("unknown calibration factor 'hostLaunchSecond' for host; did you mean 'hostLaunchSeconds'?");
    expect([e.file, e.pointer]).toEqual([f, '/calibration/hostLaunchSecond']);
    expect(userError(() => loadHost(writeHost({ ...base, calibration: { graphKernelGapSeconds: { value: 1e-6, source: 's' } } }))).message).toMatch(
      /unknown calibration factor 'graphKernelGapSeconds' for host/,
    );
  });
  it('out of range and empty calibration are schema errors at their pointer', () => {
    const e = userError(() => loadHost(writeHost({ ...base, calibration: { hostLaunchSeconds: { value: 0.5, source: 's' } } })));
    expect(e.pointer).toBe('/calibration/hostLaunchSeconds/value');
    expect(userError(() => loadHost(writeHost({ ...base, calibration: {} }))).pointer).toBe('/calibration');
  });
  it('CLI: --host reaches the --system and --phase generate paths (a TP 1 system equals --arch)', async () => {
    const w = ['--model', 'llama-2-7b', '--stack', 'tinychat', '--quant', 'tinychat-awq-w4a16'];
    const step = (r: { stdout: string }) => /time per step\s+(\S+ \S+)/.exec(r.stdout)?.[1];
    const dec = ['--phase', 'decode', '--context', '4'];
    const onArch = await cli('simulate', '--arch', 'a100-sxm-80gb', ...w, ...dec, '--host', 'tinychat-a100');
    const onSystem = await cli('simulate', '--system', 'dgx-a100', '--tp', '1', ...w, ...dec, '--host', 'tinychat-a100');
    const bare = await cli('simulate', '--system', 'dgx-a100', '--tp', '1', ...w, ...dec);
    expect([onArch.code, onSystem.code, bare.code]).toEqual([0, 0, 0]);
    expect(step(onSystem)).toBe(step(onArch));
    expect(step(onSystem)).not.toBe(step(bare));
    const gen = ['--phase', 'generate', '--prompt', '4', '--output', '4', '--json'];
    const latency = async (...extra: string[]) =>
      (JSON.parse((await cli('simulate', '--arch', 'a100-sxm-40gb', ...w, ...gen, ...extra)).stdout) as { totals: { seconds: number } }).totals.seconds;
    expect(await latency('--host', 'tinychat-a100')).toBeGreaterThan(1.2 * (await latency()));
  });
  it('CLI: --host without --stack, and an unknown host name, are one-line errors (exit 2)', async () => {
    const args = ['simulate', '--arch', 'rtx-4090', '--model', 'llama-2-7b', '--phase', 'decode', '--context', '4'];
    const a = await cli(...args, '--host', 'tinychat-rtx-4090');
    expect([a.code, a.stderr]).toEqual([2, 'error: --host sets the host launch costs of a software stack: give --stack too\n']);
    const b = await cli(...args, '--stack', 'tinychat', '--host', 'tinychat-h100');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^error: --host 'tinychat-h100': no such file and no shipped host/);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
  });
});
