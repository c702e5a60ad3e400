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
    writeFileSync(spec, JSON.stringify({ arch: archPath('gpu/h100-sxm'), quant: ['w16a16'], strategy: { kind: 'grid' },
      workloads: [{ model: modelPath('gpt2'), phase: 'decode', batch: [1], context: [8] }, { model: modelPath('nope'), phase: 'decode', batch: [1], context: [8] }] }));
    const out = join(dir, 'out.jsonl');
    const r = await cli('sweep', spec, '--out', out, '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${spec.replace(/[.]/g, '\\.')}: /workloads/1/model: model file not found: .*nope\\.json\\n$`));
  });
});
