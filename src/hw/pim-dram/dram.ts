/**
 * The DRAM of a pim-dram config resolved from its preset and overrides, and the normal memory
 * path the host uses (the sustained streaming bandwidth, timed on memory/'s bank model).
 */
import { getDramPreset } from '../../memory/presets.ts';
import { checkTiming, type DramOrganization, type DramTiming } from '../../memory/timing.ts';
import { streamChannel, sustainedChannelBps, type StreamResult } from '../../memory/stream.ts';
import { AccelscopeError } from '../../util/errors.ts';
import type { PimArchConfig } from './schema.ts';

export interface ResolvedDram {
  preset: string;
  timing: DramTiming;
  org: DramOrganization;
  channels: number;
  banksPerChannel: number;
}

const cache = new Map<string, ResolvedDram>();

export function resolveDram(c: PimArchConfig): ResolvedDram {
  const key = JSON.stringify(c.pim.dram);
  const hit = cache.get(key);
  if (hit) return checkUnitBanks(c, hit);
  const p = getDramPreset(c.pim.dram.timing, { pointer: '/pim/dram/timing' });
  const timing: DramTiming = { ...p.timing, ...(c.pim.dram.timingOverrides ?? {}) };
  checkTiming(timing, { pointer: '/pim/dram/timingOverrides' });
  const org: DramOrganization = { ...p.org, ...(c.pim.dram.org ?? {}) };
  if (org.rowBytes % org.burstBytes !== 0) {
    throw new AccelscopeError('schema', `rowBytes (${org.rowBytes}) must be a multiple of burstBytes (${org.burstBytes})`, { pointer: '/pim/dram/org' });
  }
  const banksPerChannel = org.bankGroups * org.banksPerGroup;
  const r: ResolvedDram = { preset: p.name, timing, org, channels: c.pim.dram.channels, banksPerChannel };
  cache.set(key, r);
  return checkUnitBanks(c, r);
}

/**
 * Checked on every call, not only when the DRAM is first resolved: the cache is keyed by the DRAM
 * section alone, so a config sharing a cached DRAM once skipped this check and its units addressed
 * banks past the channel's last (DramTimingViolation "bank undefined out of range", found by the
 * arch property test, #21).
 */
function checkUnitBanks(c: PimArchConfig, d: ResolvedDram): ResolvedDram {
  if (d.banksPerChannel % c.pim.unit.banksPerUnit !== 0) {
    throw new AccelscopeError('schema', `banksPerUnit (${c.pim.unit.banksPerUnit}) must divide the ${d.banksPerChannel} banks of a channel`, {
      pointer: '/pim/unit/banksPerUnit',
    });
  }
  return d;
}

const bpsCache = new Map<string, number>();

/** The host's sustained bandwidth to this DRAM through the normal path, all channels, bytes/s. */
export function hostStreamBps(d: ResolvedDram): number {
  const key = JSON.stringify([d.timing, d.org]);
  let v = bpsCache.get(key);
  if (v === undefined) {
    v = sustainedChannelBps(d.timing, d.org);
    bpsCache.set(key, v);
  }
  return v * d.channels;
}

/** Streams `bytes` spread evenly over all channels (the busiest channel's time). */
export function hostStream(d: ResolvedDram, bytes: number, kind: 'RD' | 'WR' = 'RD'): StreamResult {
  const bursts = Math.ceil(bytes / d.org.burstBytes / d.channels);
  return streamChannel(d.timing, d.org, bursts, { kind });
}
