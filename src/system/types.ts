/**
 * A multi-device system: a device (an arch config), how many per node and how many nodes, and
 * the interconnect at each level. Bandwidths are per device and per direction, in bytes/s;
 * latencies in seconds; every achievable-efficiency factor is a named calibration with its source.
 */
import type { ArchConfig, Calibration } from '../config/arch.ts';

/** What a level is physically made of; decides which collective algorithms it offers. */
export type Fabric = 'nvswitch' | 'nvlink-p2p' | 'pcie' | 'infiniband' | 'ethernet' | 'chip-to-chip';

export interface LinkSpec {
  /** Links (NVLink links, PCIe lanes, NICs …) one device has at this level. */
  count: number;
  /** Payload rate of one link, one direction, bytes/s (line rate after line coding). */
  bytesPerSecondPerDirection: number;
}

export interface LevelSpec {
  fabric: Fabric;
  /** Human name: "NVLink 4 through 4× NVSwitch 3", "PCIe 4.0 x16 via CPU root complex". */
  name: string;
  /** NVLink 4, PCIe 5.0, NDR 400G … */
  generation: string;
  /** Links per device (intra-node) or NICs per node (inter-node: count is per node). */
  links: LinkSpec;
  /**
   * switch: any-to-any at full per-device rate; host-bridge: through the CPU root complex; mesh:
   * direct links to every peer; ring: links to the two neighbours only (traffic to farther ranks
   * takes several hops).
   */
  topology: 'switch' | 'host-bridge' | 'mesh' | 'ring';
  /** NVSwitch 3 (H100/H200) reduces in the switch (NVLink SHARP, NCCL's NVLS algorithm). */
  inSwitchReduction?: boolean;
  /** Fixed latency of an in-switch (NVLS) all-reduce, seconds (required with inSwitchReduction). */
  inSwitchReductionLatencyS?: number;
  /** Total rate a shared element caps all devices at (host-bridge: the root complex / CPU memory), bytes/s per direction. */
  sharedBytesPerSecond?: number;
  /** Latency of one hop (one step of a ring), seconds. */
  latencyS: number;
  /** Fraction of the link rate a collective achieves (protocol overhead): a named calibration. */
  efficiency: Calibration;
}

export interface SystemConfig {
  name: string;
  description?: string;
  /** The device's arch config, relative to the system file. */
  device: string;
  devicesPerNode: number;
  nodes: number;
  intraNode?: LevelSpec;
  interNode?: LevelSpec;
  /** System-wide calibration factors (collective launch latency …), named and sourced. */
  calibration?: Record<string, Calibration>;
  sources?: Record<string, string>;
}

/** A loaded system: the config plus its device's validated arch config. */
export interface System {
  config: SystemConfig;
  file?: string;
  arch: ArchConfig;
  archFile: string;
}
