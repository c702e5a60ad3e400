/**
 * Flags that take a shipped name or a path, resolved before a command runs: `--arch`, `--model`,
 * `--quant` (a scheme such as w4a16-g128 passes through), `--system` and the sweep spec. Commands keep
 * receiving file paths.
 */
import { resolveShippedName } from '../catalog/resolve-name.ts';
import type { Category } from '../catalog/shipped.ts';

const FLAGS: { key: string; category: Category; flag: string; keep?: 'keep'; command?: string }[] = [
  { key: 'arch', category: 'archs', flag: '--arch' },
  { key: 'model', category: 'models', flag: '--model' },
  { key: 'quant', category: 'quant', flag: '--quant', keep: 'keep' },
  { key: 'spec', category: 'sweeps', flag: 'sweep spec', command: 'sweep' },
  { key: 'system', category: 'systems', flag: '--system' },
  { key: 'stack', category: 'stacks', flag: '--stack' },
];

/** `args` with every name-or-path flag resolved to a path (arrays element by element). */
export function resolveShippedArgs<T extends Record<string, unknown>>(command: string, args: T): T {
  const out: Record<string, unknown> = { ...args };
  for (const f of FLAGS) {
    if (f.command && f.command !== command) continue;
    const v = out[f.key];
    const one = (s: unknown) => (typeof s === 'string' && s !== '' ? resolveShippedName(f.category, s, f.flag, f.keep) : s);
    if (Array.isArray(v)) out[f.key] = v.map(one);
    else if (v !== undefined) out[f.key] = one(v);
  }
  return out as T;
}
