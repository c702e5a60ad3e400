/**
 * The Kubernetes Indexed Job of docs/sweeps.md, extracted by its marker, validated against the
 * Kubernetes batch/v1 Job schema (kubernetes-models: validators generated from the Kubernetes
 * OpenAPI definitions; no cluster, no network), and checked to shard the way the page says.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ROOT } from '../helpers.ts';
import { docBlock } from './doc-blocks.ts';

type Manifest = {
  apiVersion: string;
  kind: string;
  spec: { completions: number; parallelism: number; completionMode: string; template: { spec: { containers: { name?: string; args: string[] }[] } } };
};

const manifest = (): Manifest => parse(docBlock(readFileSync(join(ROOT, 'docs/sweeps.md'), 'utf8'), 'k8s-indexed-job')) as Manifest;
const validate = (m: unknown) => new Job(m as ConstructorParameters<typeof Job>[0]).validate();

describe('Kubernetes Indexed Job manifest in docs/sweeps.md', () => {
  it('is a valid batch/v1 Job', () => {
    const m = manifest();
    expect([m.apiVersion, m.kind]).toEqual(['batch/v1', 'Job']);
    expect(() => validate(m)).not.toThrow();
  });

  it('is an Indexed Job whose completions match the shard count of its command', () => {
    const { spec } = manifest();
    expect(spec.completionMode).toBe('Indexed');
    const args = spec.template.spec.containers[0]!.args.join(' ');
    expect(args).toContain('--shard $JOB_COMPLETION_INDEX/' + spec.completions);
    expect(args).toContain('--out /results/shard-$JOB_COMPLETION_INDEX.jsonl');
    expect(spec.parallelism).toBeLessThanOrEqual(spec.completions);
  });

  it('the schema check rejects what a cluster would: a misspelt completion mode, a string count, a container without name', () => {
    const bad = [
      (m: Manifest) => {
        m.spec.completionMode = 'Indexd';
      },
      (m: Manifest) => {
        (m.spec as { completions: unknown }).completions = '16';
      },
      (m: Manifest) => {
        delete m.spec.template.spec.containers[0]!.name;
      },
    ];
    for (const change of bad) {
      const m = manifest();
      change(m);
      expect(() => validate(m)).toThrow();
    }
  });
});
