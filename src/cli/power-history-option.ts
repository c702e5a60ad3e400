/** `--power-history` (simulate, op): how a run is timed where the arch has a sustained power limit (src/engine/power-history.ts). */
import { AccelscopeError } from '../util/errors.ts';
import { formatSeconds } from '../util/format.ts';
import type { PowerHistory, PowerHistoryUse } from '../engine/power-history.ts';

export const POWER_HISTORY_OPTION = {
  type: 'string',
  describe:
    'how long the board had been loaded when the run is timed, where the arch has a sustained power limit (the H100/H200 presets): bench (default: repeated back to back from idle as the shipped measurements were — a kernel 15 calls, a decode step 11 replays, a prefill 3 forwards) | sustained (a board loaded for long: steady serving) | idle (no history) | seconds of load (docs/models/gpu-tensor-core.md § Power-limiter dynamics)',
} as const;

/** `--power-history VALUE`: bench | sustained | idle | seconds ≥ 0. */
export function parsePowerHistory(value: unknown, flag = '--power-history'): PowerHistory {
  if (value === undefined || value === 'bench') return 'bench';
  if (value === 'sustained' || value === 'idle') return value;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isFinite(n) && n >= 0) return n;
  throw new AccelscopeError('bad-flag', `${flag} must be bench, sustained, idle or a number of seconds ≥ 0, got ${JSON.stringify(value)}`);
}

/** One line for text output: the history, the limit it allows and whether it bound. */
export function renderPowerHistory(h: PowerHistoryUse): string {
  const t = h.loadedSeconds === null ? 'sustained load' : h.mode === 'idle' ? 'no load before (idle)' : `${formatSeconds(h.loadedSeconds)} of load before`;
  const how = h.mode === 'bench' ? ` (bench: ${h.repetitions} back-to-back runs from idle)` : '';
  return `${t}${how} → power limit ${h.limitW.toFixed(0)} W (sustained ${h.sustainedW.toFixed(0)} W)${h.limited ? '' : '; no kernel reaches it'} (--power-history)`;
}
