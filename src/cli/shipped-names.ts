/**
 * Flags that take a shipped name or a path, resolved before a command runs: `--arch`, `--model`,
 * `--quant` (a scheme such as w4a16-g128 passes through), `--system` and the sweep spec. Commands keep
 * receiving file paths.
 */
import type { Category } from '../catalog/shipped.ts';

const FLAGS: { key: string; category: Category; flag: string; keep?: 'keep'; command?: string }[] = [
  { key: 'arch', category: 'archs', flag: '--arch' },
  { key: 'model', category: 'models', flag: '--model' },
  { key: 'quant', category: 'quant', flag: '--quant', keep: 'keep' },
  { key: 'spec', category: 'sweeps', flag: 'sweep spec', command: 'sweep' },
  { key: 'system', category: 'systems', flag: '--system' },
  { key: 'stack', category: 'stacks', flag: '--stack' },
  { key: 'host', category: 'hosts', flag: '--host' },
];

/**
 * `args` with every name-or-path flag resolved to a path (arrays element by element). The resolver
 * (which reads the shipped catalogue and the config loader) is imported only when a flag is given:
 * `formats`, `check` and `--version` never load it.
 */
export async function resolveShippedArgs<T extends Record<string, unknown>>(command: string, args: T): Promise<T> {
  const out: Record<string, unknown> = { ...args };
  const given = FLAGS.filter((f) => (!f.command || f.command === command) && out[f.key] !== undefined);
  if (!given.length) return out as T;
  const { resolveShippedName } = await import('../catalog/resolve-name.ts');
  for (const f of given) {
    const v = out[f.key];
    const one = (s: unknown) => (typeof s === 'string' && s !== '' ? resolveShippedName(f.category, s, f.flag, f.keep) : s);
    out[f.key] = Array.isArray(v) ? v.map(one) : one(v);
  }
  return out as T;
}
