import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT } from './../helpers.ts';

describe('stdout closed early (`accelscope … --json | head`)', () => {
  it('exits 0 with nothing on stderr (was: an unhandled EPIPE stack trace, exit 1)', () => {
    const cmd =
      'node bin/accelscope.js simulate --arch arch-configs/gpu/h100-sxm.json --model workloads/models/llama-2-7b.json --context 64 --json | head -c 10 >/dev/null; echo "rc=${PIPESTATUS[0]}"';
    const r = spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('rc=0');
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  }, 30_000);
});
