/** Shipped names: --arch/--model/--quant and sweep specs by name, `list`, `--version`, did-you-mean. */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cli, ROOT } from '../helpers.ts';
import { closeMatches, editDistance } from '../../src/util/close-matches.ts';
import { findShipped, resolveShippedName } from '../../src/catalog/resolve-name.ts';
import { packageRoot } from '../../src/catalog/package-root.ts';
import { userError } from '../helpers.ts';

const decode = ['--phase', 'decode', '--batch', '1', '--context', '512', '--json'];

/** The model configs in workloads/models/, by file name (what `list models` must show, sorted). */
function shippedModelNames(): string[] {
  return readdirSync(join(ROOT, 'workloads/models'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

describe('names resolve to the shipped files', () => {
  it('the package root is the repository, whatever the working directory', () => {
    expect(packageRoot()).toBe(ROOT);
  });

  it('exact name, unique prefix at a dash, and a path all give the same file', () => {
    const h100 = join(ROOT, 'arch-configs/gpu/h100-sxm.json');
    expect(resolveShippedName('archs', 'h100-sxm', '--arch')).toBe(h100);
    expect(resolveShippedName('archs', 'h100', '--arch')).toBe(h100);
    expect(resolveShippedName('archs', 'a100-sxm-80gb', '--arch')).toBe(join(ROOT, 'arch-configs/gpu/a100-sxm-80gb.json'));
    // two A100 parts ship (80 GB and 40 GB): 'a100' is ambiguous, like 'llama' below
    expect(() => findShipped('archs', 'a100', '--arch')).toThrow(/ambiguous: it could be a100-sxm-40gb, a100-sxm-80gb/);
    expect(resolveShippedName('archs', 'arch-configs/gpu/h100-sxm.json', '--arch')).toBe('arch-configs/gpu/h100-sxm.json');
    expect(resolveShippedName('models', 'llama-2-7b', '--model')).toBe(join(ROOT, 'workloads/models/llama-2-7b.json'));
    expect(resolveShippedName('quant', 'flightllm-w4a8', '--quant', 'keep')).toBe(join(ROOT, 'workloads/quant/flightllm-w4a8.json'));
    expect(resolveShippedName('sweeps', 'h100-decode', 'sweep spec')).toBe(join(ROOT, 'workloads/sweeps/h100-decode.json'));
  });

  it('a prefix is not matched inside a word: "h1" names nothing, "llama" is ambiguous', () => {
    expect(findShipped('archs', 'h1', '--arch')).toBeUndefined();
    const e = userError(() => findShipped('models', 'llama', '--model'));
    const llamas = shippedModelNames().filter((n) => n.startsWith('llama-'));
    expect(llamas.length).toBeGreaterThan(1);
    expect(e.message).toBe(`--model 'llama' is ambiguous: it could be ${llamas.join(', ')}`);
  });

  it('a quant scheme that is not a shipped name passes through to the scheme grammar', () => {
    expect(resolveShippedName('quant', 'w4a16-g128', '--quant', 'keep')).toBe('w4a16-g128');
  });

  it('simulate by short names prints the same result as by paths', async () => {
    const byName = await cli('simulate', '--arch', 'h100', '--model', 'llama-2-7b', ...decode);
    const byPath = await cli(
      'simulate',
      '--arch',
      join(ROOT, 'arch-configs/gpu/h100-sxm.json'),
      '--model',
      join(ROOT, 'workloads/models/llama-2-7b.json'),
      ...decode,
    );
    expect(byName.code).toBe(0);
    expect(JSON.parse(byName.stdout).totals).toEqual(JSON.parse(byPath.stdout).totals);
    expect(JSON.parse(byName.stdout).arch.name).toBe('NVIDIA H100 SXM5 80GB');
  });

  it('--quant by shipped name loads the file (its name, not a scheme parse)', async () => {
    const r = await cli('simulate', '--arch', 'u280', '--model', 'llama-2-7b', '--quant', 'flightllm-w4a8', ...decode);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).quant.name).toBe('flightllm-w4a8');
  });

  it('a name that does not run from another working directory still resolves (package-relative)', async () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'names-cwd-')));
    try {
      const r = await cli('simulate', '--arch', 'h100-sxm', '--model', 'qwen2-0.5b', ...decode);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('unknown and ambiguous names are one-line errors with close matches', () => {
  it('a typo lists the closest shipped names', async () => {
    const r = await cli('simulate', '--arch', 'h10', '--model', 'llama-2-7b');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --arch 'h10': no such file and no shipped arch config of that name; did you mean h100-sxm\b.*\?\n$/);
  });

  it('a name close to nothing points to `accelscope list`', async () => {
    const r = await cli('simulate', '--arch', 'zzzzzz', '--model', 'llama-2-7b');
    expect(r.stderr).toBe("error: --arch 'zzzzzz': no such file and no shipped arch config of that name (accelscope list archs shows them)\n");
  });

  it('an ambiguous model name lists every candidate', async () => {
    const r = await cli('simulate', '--arch', 'h100', '--model', 'qwen2');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: --model 'qwen2' is ambiguous: it could be qwen2-0.5b, qwen2-1.5b, qwen2-7b\n");
  });

  it('a missing path is still "no such file" from the loader, naming the path', async () => {
    const r = await cli('simulate', '--arch', 'nope/h100.json', '--model', 'llama-2-7b');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: nope\/h100\.json: /);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('an unknown sweep spec name', async () => {
    const r = await cli('sweep', 'h100-decod', '--out', join(mkdtempSync(join(tmpdir(), 'names-')), 'r.jsonl'));
    expect(r.stderr).toBe("error: sweep spec 'h100-decod': no such file and no shipped sweep spec of that name; did you mean h100-decode?\n");
  });
});

describe('did you mean, for flags and commands', () => {
  it('a mistyped flag', async () => {
    const r = await cli('simulate', '--arch', 'h100', '--model', 'llama-2-7b', '--contxt', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: Unknown argument: contxt; --contxt: did you mean --context?\n');
  });

  it('a flag close to nothing gets no suggestion', async () => {
    const r = await cli('formats', '--qqqqqqqq');
    expect(r.stderr).toBe('error: Unknown argument: qqqqqqqq\n');
  });

  it('a mistyped command', async () => {
    const r = await cli('simulat', '--arch', 'h100');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown command 'simulat'\. Did you mean simulate\?\n$/);
  });

  it('editDistance and closeMatches', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closeMatches('h10', ['h100-sxm', 'v100s', 'gddr6-aim'])).toEqual(['h100-sxm']);
    expect(closeMatches('h20', ['h100-sxm', 'h200'])).toEqual(['h200', 'h100-sxm']);
    expect(closeMatches('batchh', ['batch', 'context', 'seq'])).toEqual(['batch']);
    expect(closeMatches('xyz', ['batch'])).toEqual([]);
  });
});

describe('--version and list', () => {
  it('--version prints the package version', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('list --json: every shipped file once, each with a description and a source', async () => {
    const r = await cli('list', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { category: string; name: string; file: string; description: string; source: string }[];
    const names = (c: string) => rows.filter((x) => x.category === c).map((x) => x.name);
    expect(names('archs')).toContain('h100-sxm');
    expect(names('archs')).toContain('h200'); // an `extends` config is a design of its own
    expect(names('models')).toEqual(shippedModelNames());
    expect(names('quant')).toEqual(['flightllm-w4a8', 'tinychat-awq-w4a16']);
    expect(names('sweeps')).toEqual(
      readdirSync(join(ROOT, 'workloads/sweeps'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    );
    expect(names('sweeps')).toContain('h100-decode');
    for (const x of rows) {
      expect(x.description.length, x.name).toBeGreaterThan(10);
      expect(x.source.length, x.name).toBeGreaterThan(10);
    }
    const llama = rows.find((x) => x.name === 'llama-2-7b')!;
    expect(llama.description).toBe('llama: 32 layers, hidden 4096, 32 heads (32 KV), 6.74 G parameters');
    expect(llama.source).toBe('meta-llama/Llama-2-7b-hf');
    expect(rows.find((x) => x.name === 'h100-sxm')!.source).toMatch(
      /^32 cited values, 5 calibration factors; \/compute\/matrixOpsPerSecond: NVIDIA H100 datasheet/,
    );
  });

  it('list <category> prints one line per item; stacks lists the shipped software stacks', async () => {
    const r = await cli('list', 'models');
    expect(r.stdout.trim().split('\n')).toHaveLength(1 + shippedModelNames().length);
    expect(r.stdout).toMatch(/^ {2}llama-2-7b +llama: 32 layers.* \[source: meta-llama\/Llama-2-7b-hf\]$/m);
    const s = await cli('list', 'stacks', '--json');
    expect(s.code).toBe(0);
    expect((JSON.parse(s.stdout) as { name: string }[]).map((x) => x.name)).toContain('pytorch-cudagraph');
    expect((await cli('list', 'stacks')).stdout).toMatch(/^ {2}pytorch-cudagraph +gpu-tensor-core: cuda-graph — The pytorch stack's kernels/m);
  });

  it('an unknown category is a one-line error', async () => {
    const r = await cli('list', 'gpus');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: Invalid values: Argument: category, Given: "gpus", Choices: "archs", "models", "quant", "sweeps", "stacks", "systems", "hosts"\n$/,
    );
  });
});
