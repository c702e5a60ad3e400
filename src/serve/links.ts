/**
 * Named links for moving KV caches (disaggregated prefill → decode, swap to host memory), one
 * direction's bandwidth in bytes/s (decimal). A number in GB/s is accepted instead of a name.
 */
import { AccelscopeError } from '../util/errors.ts';

export const LINKS: Record<string, { bytesPerSecond: number; source: string }> = {
  nvlink4: { bytesPerSecond: 450e9, source: 'NVIDIA H100 datasheet: NVLink 4, 900 GB/s bidirectional (450 GB/s per direction)' },
  nvlink3: { bytesPerSecond: 300e9, source: 'NVIDIA A100 datasheet: NVLink 3, 600 GB/s bidirectional' },
  'pcie5-x16': { bytesPerSecond: 64e9, source: 'PCIe 5.0 x16: 32 GT/s × 16 lanes, 128b/130b ≈ 63 GB/s per direction' },
  'pcie4-x16': { bytesPerSecond: 32e9, source: 'PCIe 4.0 x16: 16 GT/s × 16 lanes, 128b/130b ≈ 31.5 GB/s per direction' },
  'ib-ndr': { bytesPerSecond: 50e9, source: 'InfiniBand NDR: 400 Gb/s per port' },
  'ib-hdr': { bytesPerSecond: 25e9, source: 'InfiniBand HDR: 200 Gb/s per port' },
  '100gbe': { bytesPerSecond: 12.5e9, source: '100 Gigabit Ethernet' },
};

export function linkBandwidth(name: string, flag: string): number {
  const l = LINKS[name];
  if (l) return l.bytesPerSecond;
  const n = Number(name);
  if (name.trim() !== '' && Number.isFinite(n) && n > 0) return n * 1e9;
  throw new AccelscopeError('bad-flag', `${flag}: unknown link '${name}' (${Object.keys(LINKS).join(', ')}, or a bandwidth in GB/s)`);
}
