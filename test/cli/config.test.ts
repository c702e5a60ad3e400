/** `accelscope config --arch A`: the resolved config with each value's source. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { archPath, cli } from '../helpers.ts';
import type { ResolvedArch } from '../../src/config/resolved-arch.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-config-'));

describe('config --arch', () => {
  it('marks each value config / extends / override / default (schema default, calibration default)', async () => {
    const f = join(dir, 'child.json');
    writeFileSync(
      f,
      JSON.stringify({
        extends: archPath('gpu/h100-sxm'),
        name: 'child',
        overrides: { '/gpu/sms': 66, calibration: { tensorCoreEfficiency: { value: 0.7, source: 'test' } } },
      }),
    );
    const r = await cli('config', '--arch', f, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as ResolvedArch;
    const parent = relative(process.cwd(), archPath('gpu/h100-sxm'));
    expect(j.kind).toBe('gpu-tensor-core');
    expect(j.sources['/name']).toEqual({ origin: 'config', file: f });
    expect(j.sources['/gpu/sms']).toEqual({ origin: 'override', file: f });
    expect((j.config as unknown as { gpu: { sms: number } }).gpu.sms).toBe(66);
    expect(j.sources['/gpu/clockHz']).toEqual({ origin: 'extends', file: parent });
    expect(j.sources['/calibration/tensorCoreEfficiency/value']).toEqual({ origin: 'override', file: f });
    expect(j.sources['/calibration/tensorCoreEfficiency/source']).toEqual({ origin: 'override', file: f });
    expect(j.sources['/calibration/dramBandwidthEfficiency/value']).toEqual({ origin: 'extends', file: parent });
  });

  it('fills defaults the model would use and says so', async () => {
    const f = join(dir, 'bare.json');
    // the H100 preset without its optional GPU fields and one calibration factor
    const base = (await import('../../src/config/load.ts')).resolveArchDocument(archPath('gpu/h100-sxm')) as Record<string, Record<string, unknown>>;
    const gpu = { ...base['gpu'] };
    delete gpu['maxCtasPerSm'];
    delete gpu['attention'];
    const cal = { ...base['calibration'] };
    delete cal['kernelLaunchSeconds'];
    writeFileSync(f, JSON.stringify({ ...base, gpu, calibration: cal }));
    const j = JSON.parse((await cli('config', '--arch', f, '--json')).stdout) as ResolvedArch & {
      config: { gpu: { maxCtasPerSm: number; attention: { blockQ: number } }; calibration: Record<string, { value: number }> };
    };
    expect(j.config.gpu.maxCtasPerSm).toBe(1);
    expect(j.sources['/gpu/maxCtasPerSm']).toEqual({ origin: 'default', declared: 'schema of gpu-tensor-core' });
    expect(j.config.gpu.attention.blockQ).toBe(128);
    expect(j.sources['/gpu/attention/blockQ']?.origin).toBe('default');
    expect(j.config.calibration['kernelLaunchSeconds']!.value).toBe(2e-6);
    expect(j.sources['/calibration/kernelLaunchSeconds/value']).toEqual({ origin: 'default', declared: 'calibration declaration of gpu-tensor-core' });
    const t = await cli('config', '--arch', f);
    expect(t.stdout).toMatch(/^\/gpu\/maxCtasPerSm\s+1\s+default \(schema of gpu-tensor-core\)$/m);
  });

  it('a bad config is the same one-line error as simulate gives', async () => {
    const f = join(dir, 'typo.json');
    writeFileSync(f, JSON.stringify({ extends: archPath('gpu/h100-sxm'), overrides: { calibration: { tensorCoreEfficency: { value: 1, source: 's' } } } }));
    const r = await cli('config', '--arch', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${f}: /calibration/tensorCoreEfficency: unknown calibration factor 'tensorCoreEfficency' for gpu-tensor-core; did you mean 'tensorCoreEfficiency'?\n`,
    );
  });
});
