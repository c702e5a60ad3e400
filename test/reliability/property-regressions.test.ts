/**
 * Cases the CLI property tests (properties.test.ts) found, kept as fixed regressions: each was a
 * bug (exit 70 with a stack) or an error that did not name the file and pointer at fault.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archPath, cli, modelPath } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-prop-regress-'));

describe('property-test regressions', () => {
  it('an arch whose memory.type the energy tables do not price is a schema error at load (was exit 70 mid-run)', async () => {
    const file = join(dir, 'arch.json');
    for (const t of ['__proto__', 'MRAM', 'hbm3']) {
      writeFileSync(file, JSON.stringify({ extends: archPath('lut/tmac-surface-laptop-7'), overrides: { '/memory/type': t } }));
      const r = await cli('simulate', '--arch', file, '--model', modelPath('qwen2-0.5b'), '--phase', 'decode', '--batch', '1', '--context', '16', '--json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.]/g, '\\.')}: /memory/type: must be one of "HBM2", .*"DDR5"\\n$`));
    }
  });
  it('a sweep whose workload names a missing model names the spec and the workload pointer (was the model path alone)', async () => {
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        arch: archPath('gpu/h100-sxm'),
        quant: ['w16a16'],
        strategy: { kind: 'grid' },
        workloads: [
          { model: modelPath('gpt2'), phase: 'decode', batch: [1], context: [8] },
          { model: modelPath('nope'), phase: 'decode', batch: [1], context: [8] },
        ],
      }),
    );
    const out = join(dir, 'out.jsonl');
    const r = await cli('sweep', spec, '--out', out, '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${spec.replace(/[.]/g, '\\.')}: /workloads/1/model: model file not found: .*nope\\.json\\n$`));
  });
  it('a PIM unit spanning banks that do not divide a channel is a clean error even after the same DRAM was resolved once (was DramTimingViolation "bank undefined out of range")', async () => {
    // Reproduced with the arch generator restricted to /pim and /memory leaves (seed 100 of fc.sample):
    // {"/pim/unit/banksPerUnit": 7} on hbm-pim-aquabolt-xl, {"/pim/unit/banksPerUnit": 48} on neupims and gddr6-aim.
    const file = join(dir, 'pim.json');
    for (const [preset, bpu] of [
      ['pim/hbm-pim-aquabolt-xl', 7],
      ['pim/neupims', 48],
      ['pim/gddr6-aim', 48],
    ] as const) {
      const base = ['--model', modelPath('gpt2'), '--phase', 'decode', '--batch', '1', '--context', '16', '--ignore-capacity', '--json'];
      expect((await cli('simulate', '--arch', archPath(preset), ...base)).code).toBe(0); // resolves (and caches) the preset's DRAM
      writeFileSync(file, JSON.stringify({ extends: archPath(preset), overrides: { '/pim/unit/banksPerUnit': bpu } }));
      const r = await cli('simulate', '--arch', file, ...base);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(`^error: ${file.replace(/[.]/g, '\\.')}: /pim/unit/banksPerUnit: banksPerUnit \\(${bpu}\\) must divide the \\d+ banks of a channel\\n$`),
      );
    }
  });
  it('an arch whose `extends` names a missing file names the arch file and /extends (was the missing path alone)', async () => {
    // fast-check seed 21 (properties.test.ts, 1,000 runs): "extends" of an H200-style override file replaced by "x".
    const file = join(dir, 'ext.json');
    // Then with "extends" replaced by "" (the folder itself).
    for (const [ext, tail] of [
      [join(archPath('gpu/h200'), '..', 'x'), '/gpu/x'],
      [join(archPath('gpu/h200'), '..'), '/gpu'],
    ] as const) {
      writeFileSync(file, JSON.stringify({ extends: ext, overrides: { '/memory/type': 'HBM3e' } }));
      const r = await cli('simulate', '--arch', file, '--model', modelPath('gpt2'), '--phase', 'decode', '--batch', '1', '--context', '16', '--json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.]/g, '\\.')}: /extends: the config it extends is not a file: .*${tail}\\n$`));
    }
  });
});
