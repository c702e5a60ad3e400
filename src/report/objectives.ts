/**
 * What a sweep objective means for a report: its direction (minimized or maximized), its unit and
 * an axis title that states the unit. Directions of the objectives the sweep defines come from
 * src/sweep/objectives.ts; titles of the common ones are listed here; any other name is read from
 * its unit suffix (STYLE.md: units live in names), and a name the report cannot read is minimized.
 */
import { objectiveDef } from '../sweep/objectives.ts';
import { ownTable } from '../util/own.ts';
import { formatBytes, formatPercent, formatQuantity, formatSeconds } from '../util/format.ts';

export type Direction = 'min' | 'max';

export interface ObjectiveInfo {
  name: string;
  direction: Direction;
  /** Unit as printed on an axis ('' for a pure number). */
  unit: string;
  /** Axis title: words plus the unit in parentheses. */
  title: string;
}

const KNOWN: Record<string, Omit<ObjectiveInfo, 'name'>> = ownTable({
  latencySeconds: { direction: 'min', unit: 's', title: 'latency per step (s)' },
  tokensPerSecond: { direction: 'max', unit: 'tokens/s', title: 'throughput (tokens/s)' },
  energyPerTokenJ: { direction: 'min', unit: 'J/token', title: 'energy per token (J/token)' },
  memoryBytes: { direction: 'min', unit: 'bytes', title: 'memory footprint (bytes)' },
});

/** Suffix → [unit, direction]; first match wins, so longer suffixes come first. */
const SUFFIXES: [RegExp, string, Direction][] = [
  [/PerSecond$/, '/s', 'max'],
  [/PerTokenJ$/, 'J/token', 'min'],
  [/PerJ$/, '/J', 'max'],
  [/PerW$/, '/W', 'max'],
  [/Seconds$/, 's', 'min'],
  [/Bytes$/, 'bytes', 'min'],
  [/Bps$/, 'B/s', 'max'],
  [/Pj$/, 'pJ', 'min'],
  [/J$/, 'J', 'min'],
  [/W$/, 'W', 'min'],
  [/Hz$/, 'Hz', 'max'],
  [/Mm2$/, 'mm²', 'min'],
  [/(Utilization|Efficiency)$/i, 'fraction', 'max'],
];

/** Splits camelCase into words: energyPerTokenJ → "energy per token j". */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The unit a name's suffix states ('' when it states none): /memory/bandwidthBps → B/s. */
export function unitOfName(name: string): string {
  const hit = SUFFIXES.find(([re]) => re.test(name));
  return hit ? hit[1] : '';
}

/** An axis title for a swept parameter: its label, plus the unit its name states. */
export function paramTitle(label: string): string {
  const unit = unitOfName(label);
  return unit ? `${label} (${unit})` : label;
}

export function objectiveInfo(name: string, maximize: readonly string[] = []): ObjectiveInfo {
  const known = KNOWN[name];
  let info: ObjectiveInfo;
  if (known) info = { name, ...known };
  else {
    const hit = SUFFIXES.find(([re]) => re.test(name));
    const unit = hit ? hit[1] : '';
    info = { name, direction: hit ? hit[2] : 'min', unit, title: unit ? `${words(name)} (${unit})` : words(name) };
  }
  // The sweep's own objective table decides the goal of the objectives it defines.
  const def = objectiveDef(name);
  if (def && def.key === name) info = { ...info, direction: def.goal };
  return maximize.includes(name) ? { ...info, direction: 'max' } : info;
}

/** A value of an objective, printed with its unit by the one formatter (util/format.ts). */
export function formatObjective(name: string, value: number): string {
  const unit = objectiveInfo(name).unit;
  if (unit === 's') return formatSeconds(value);
  if (unit === 'bytes') return formatBytes(value);
  if (unit === 'fraction') return formatPercent(value);
  if (unit === 'J/token') return `${formatQuantity(value, 'J')}/token`;
  if (unit.startsWith('/')) return formatQuantity(value, unit.slice(1) === 's' ? 'per s' : `per ${unit.slice(1)}`);
  return formatQuantity(value, unit);
}

/** The unit an axis of this objective labels its ticks with (vegaLabelExpr): a symbol unit takes
 * SI prefixes (1.5 ms); J/token ticks read in J (the title says per token); others stay bare. */
export function axisUnit(info: ObjectiveInfo): string {
  return ({ s: 's', 'J/token': 'J', J: 'J', W: 'W', 'B/s': 'B/s', Hz: 'Hz', bytes: 'B' } as Record<string, string>)[info.unit] ?? '';
}
