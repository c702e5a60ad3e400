/** `--slo ttft=1s,tpot=50ms,e2e=20s`: latency objectives with a unit each (s, ms, us). */
import { AccelscopeError } from '../util/errors.ts';
import type { Slo } from './metrics.ts';

const UNIT: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6 };
const KEY: Record<string, keyof Slo> = { ttft: 'ttftS', tpot: 'tpotS', e2e: 'e2eS' };

export function parseSlo(text: string): Slo {
  const slo: Slo = {};
  for (const part of text.split(',')) {
    const m = /^\s*(\w+)\s*=\s*([0-9.eE+-]+)\s*(s|ms|us|µs)\s*$/.exec(part);
    if (!m) throw new AccelscopeError('bad-flag', `--slo: '${part}' is not metric=value with a unit (e.g. ttft=1s, tpot=50ms)`);
    const key = KEY[m[1]!.toLowerCase()];
    if (!key) throw new AccelscopeError('bad-flag', `--slo: unknown metric '${m[1]}' (ttft, tpot, e2e)`);
    const v = Number(m[2]) * UNIT[m[3]!]!;
    if (!Number.isFinite(v) || v <= 0) throw new AccelscopeError('bad-flag', `--slo: ${m[1]} must be a positive time (got '${m[2]}${m[3]}')`);
    slo[key] = v;
  }
  return slo;
}
