/**
 * Hardware kind → the numeric datapaths that kind claims, derived from the hardware registry (each
 * model's `datapaths`). Each entry builds the datapaths for one quant scheme (those the hardware
 * runs natively; none when it does not run that scheme), or, with no scheme, the set
 * `accelscope check` exercises by default.
 */
import type { QuantScheme } from '../quant/types.ts';
import type { Datapath } from '../numeric/datapath.ts';
import { AccelscopeError } from '../util/errors.ts';
import { HARDWARE_MODELS, type HardwareKind } from './registry.ts';

export type DatapathKind = HardwareKind;

export const DATAPATHS = Object.fromEntries(
  (Object.keys(HARDWARE_MODELS) as HardwareKind[]).map((k) => [k, (q?: QuantScheme) => HARDWARE_MODELS[k].datapaths(q)]),
) as Record<DatapathKind, (q?: QuantScheme) => Datapath[]>;

export function datapathKinds(): DatapathKind[] {
  return Object.keys(DATAPATHS) as DatapathKind[];
}

export function isDatapathKind(kind: string): kind is DatapathKind {
  return Object.prototype.hasOwnProperty.call(DATAPATHS, kind);
}

/** The datapaths of one kind (or of every kind), for a scheme or the default set. */
export function datapathsFor(kind?: string, q?: QuantScheme, where: { file?: string; pointer?: string } = {}): Datapath[] {
  if (kind === undefined) return datapathKinds().flatMap((k) => DATAPATHS[k](q));
  if (!isDatapathKind(kind)) {
    throw new AccelscopeError('unknown-kind', `no datapaths are registered for hardware kind '${kind}' (known: ${datapathKinds().join(', ')})`, where);
  }
  return DATAPATHS[kind](q);
}
