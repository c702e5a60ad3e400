/** Sweep worker threads run with a bounded heap (src/sweep/worker-limits.ts); running out is a one-line error. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_HEAP_MIB, WORKER_YOUNG_MIB, workerError, workerResourceLimits } from '../../src/sweep/worker-limits.ts';
import { AccelscopeError } from '../../src/util/errors.ts';
import { cli, ROOT } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'accelscope-worker-limits-'));

describe('sweep worker heap', () => {
  it('256 MiB of old generation and 4 MiB of young by default; --worker-heap sets the old one, 16 at least', () => {
    expect(workerResourceLimits()).toEqual({ maxOldGenerationSizeMb: WORKER_HEAP_MIB, maxYoungGenerationSizeMb: WORKER_YOUNG_MIB });
    expect([WORKER_HEAP_MIB, WORKER_YOUNG_MIB]).toEqual([256, 4]);
    expect(workerResourceLimits(16).maxOldGenerationSizeMb).toBe(16);
    expect(() => workerResourceLimits(15)).toThrow('--worker-heap must be an integer ≥ 16 (MiB), got 15');
    expect(() => workerResourceLimits(64.5)).toThrow(/--worker-heap must be an integer/);
  });

  it('a worker stopped for lack of heap is a user error naming the flag; other errors pass unchanged', () => {
    const oom = Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
    const e = workerError(oom, 64);
    expect(e).toBeInstanceOf(AccelscopeError);
    expect((e as AccelscopeError).message).toBe('a sweep worker ran out of its 64 MiB heap: rerun with a larger --worker-heap (e.g. 128) and --resume');
    const other = new Error('boom');
    expect(workerError(other)).toBe(other);
  });

  it('a bad --worker-heap is one line, exit 2, before any result file exists', async () => {
    const out = join(dir, 'r.jsonl');
    const r = await cli('sweep', join(ROOT, 'workloads/sweeps/h100-decode.json'), '--out', out, '--worker-heap', '8');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean).at(-1)).toBe('error: --worker-heap must be an integer ≥ 16 (MiB), got 8');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
