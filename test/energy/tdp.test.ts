/**
 * Average power of every GPU preset stays below its TDP for every shipped workload (a sanity
 * bound on the energy tables and the models' traffic), and the engine flags rather than clamps
 * a run that goes over.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, buildFor } from '../helpers.ts';
import { loadArch } from '../../src/config/load.ts';
import { parseQuantScheme } from '../../src/quant/scheme.ts';
import { run } from '../../src/engine/run.ts';
import { InfeasibleError } from '../../src/util/errors.ts';

const GPUS = readdirSync(resolve(ROOT, 'arch-configs/gpu')).filter((f) => f.endsWith('.json'));
const MODELS = readdirSync(resolve(ROOT, 'workloads/models'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const SHAPES = [
  { phase: 'decode', batch: 1, context: 1024 },
  { phase: 'decode', batch: 64, context: 2048 },
  { phase: 'prefill', batch: 1, seq: 2048 },
  { phase: 'prefill', batch: 8, seq: 1024 },
] as const;

describe.each(GPUS)('power on gpu/%s', (file) => {
  const arch = loadArch(resolve(ROOT, 'arch-configs/gpu', file));
  const q = parseQuantScheme('w16a16');

  it('averagePowerStaysBelowTdp for every shipped model at decode and prefill, fp16 and int4 weights', () => {
    const tdp = arch.power?.tdpW;
    expect(tdp, 'GPU preset without power.tdpW').toBeDefined();
    const over: string[] = [];
    let ran = 0;
    let skipped = 0;
    for (const scheme of ['w16a16', 'w4a16-g128']) {
      for (const m of MODELS) {
        for (const shape of SHAPES) {
          let r;
          try {
            r = run(buildFor(m, shape), arch, parseQuantScheme(scheme), { ignoreCapacity: true });
          } catch (e) {
            // A group size that does not divide a model's K (e.g. 128 on an 8640-wide MLP) cannot run:
            // only that infeasibility is allowed, and only for the grouped format.
            if (e instanceof InfeasibleError && scheme !== 'w16a16' && /not a multiple of/.test(e.message)) {
              skipped++;
              continue;
            }
            throw e;
          }
          ran++;
          expect(r.totals.averagePowerW).toBeGreaterThan(0);
          if (r.totals.averagePowerW >= tdp!) over.push(`${m} ${scheme} ${JSON.stringify(shape)}: ${r.totals.averagePowerW.toFixed(0)} W`);
        }
      }
    }
    expect(over, `over the ${tdp} W TDP`).toEqual([]);
    expect(ran).toBeGreaterThan(3 * skipped);
  });

  it('flagsNotClamps: a run over TDP keeps its power and carries a warning', () => {
    // a DRAM energy 100× the table pushes a memory-bound decode far over any TDP
    const hot = { ...arch, energy: { dram: { valuePjPerBit: 400, source: 'test: deliberately absurd' } } };
    const r = run(buildFor('llama-2-7b', { phase: 'decode', batch: 1, context: 1024 }), hot, q, { ignoreCapacity: true });
    expect(r.totals.averagePowerW).toBeGreaterThan(arch.power!.tdpW!);
    expect(r.warnings.some((w) => w.includes(`exceeds the TDP of ${arch.power!.tdpW} W`))).toBe(true);
  });
});
