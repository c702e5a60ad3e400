/**
 * Sharding on a real scheduler: the job-array script of docs/sweeps.md, extracted from the page
 * by its marker and submitted unchanged to a one-node Slurm cluster on this machine
 * (.ci/slurm-cluster.sh: Debian's slurm-wlm and munge), 4 array tasks of one shard each; the
 * merged shards must equal a local single run byte for byte. Runs where `sbatch` exists; CI
 * (CI=1) installs Slurm and fails here rather than skip when it is missing.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers.ts';
import { docBlock } from './doc-blocks.ts';

const IN_CI = Boolean(process.env['CI']);
const HAVE_SBATCH = spawnSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).status === 0;
const suite = HAVE_SBATCH || IN_CI ? describe : describe.skip;

suite('Slurm job array from docs/sweeps.md on a one-node cluster', () => {
  it('4 array tasks, one shard each; the merged file equals a local run byte for byte', { timeout: 480_000 }, () => {
    expect(HAVE_SBATCH, 'sbatch not found: install slurm-wlm and munge (.ci/run does)').toBe(true);
    const started = spawnSync(join(ROOT, '.ci/slurm-cluster.sh'), ['start'], { encoding: 'utf8', timeout: 180_000 });
    expect(started.status, `.ci/slurm-cluster.sh start failed: ${started.stderr}`).toBe(0);
    const env = { ...process.env, SLURM_CONF: started.stdout.trim(), PATH: `${dirname(process.execPath)}:${process.env['PATH']}` };

    // A folder to submit from, as a user's would be: the package's command and the shipped specs.
    const dir = mkdtempSync(join(tmpdir(), 'accelscope-slurm-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "slurm-sweep", "private": true }\n');
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(join(ROOT, 'bin/accelscope.js'), join(dir, 'node_modules/.bin/accelscope'));
    for (const f of ['workloads', 'arch-configs']) symlinkSync(join(ROOT, f), join(dir, f));
    const script = docBlock(readFileSync(join(ROOT, 'docs/sweeps.md'), 'utf8'), 'slurm-job-array');
    expect(script).toContain('#SBATCH --array=0-3');
    writeFileSync(join(dir, 'sweep.sh'), script);

    const sub = spawnSync('sbatch', ['--wait', '--parsable', 'sweep.sh'], { cwd: dir, env, encoding: 'utf8', timeout: 420_000 });
    const logs = () =>
      readdirSync(dir)
        .filter((f) => f.startsWith('slurm-'))
        .map((f) => `${f}: ${readFileSync(join(dir, f), 'utf8').slice(-500)}`)
        .join('\n');
    expect(sub.status, `sbatch: ${sub.stderr}\n${logs()}`).toBe(0);
    const jobId = sub.stdout.trim().split(';')[0]!;
    // Four array tasks ran (one output file each), each wrote its shard.
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith(`slurm-${jobId}_`))
        .sort(),
    ).toEqual([0, 1, 2, 3].map((i) => `slurm-${jobId}_${i}.out`));
    for (let i = 0; i < 4; i++) expect(existsSync(join(dir, `results/shard-${i}.jsonl`))).toBe(true);

    const run = (cmd: string) => {
      const r = spawnSync('sh', ['-c', cmd], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `${cmd}: ${r.stderr}`).toBe(0);
    };
    run('npx accelscope merge results/shard-*.jsonl -o results/all.jsonl');
    run('npx accelscope sweep workloads/sweeps/h100-decode.json --out local.jsonl --workers 2');
    const merged = readFileSync(join(dir, 'results/all.jsonl'));
    const local = readFileSync(join(dir, 'local.jsonl'));
    expect(local.toString('utf8').split('\n').filter(Boolean)).toHaveLength(72);
    expect(merged.equals(local)).toBe(true);
  });
});
