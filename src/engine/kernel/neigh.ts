/**
 * The neighbour (ARP) table of one netns, with the NUD states `ip neigh` prints.
 * Resolution itself (probes, timers, queued packets) lives in stack/arp.ts.
 */
import { formatIp } from '../net/ipv4';
import type { Device } from './device';
import type { Skb } from './skb';
import type { TimerHandle } from './scheduler';

export type NudState =
  'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'PERMANENT' | 'NOARP';

export interface NeighEntry {
  ip: number;
  dev: Device;
  mac?: string;
  state: NudState;
  /** Packets waiting for resolution (arp_queue; unres_qlen). */
  queue: { skb: Skb; done: (mac: string | undefined) => void }[];
  probes: number;
  timer?: TimerHandle;
  /** Simulated time of the last update, µs. */
  updated: number;
  origin: string;
  /** A proxy entry (`ip neigh add proxy IP dev DEV`). */
  proxy?: boolean;
}

/** States in which the entry's lladdr can be used to send (NUD_VALID). */
export function isValid(s: NudState): boolean {
  return (
    s === 'REACHABLE' || s === 'STALE' || s === 'DELAY' || s === 'PROBE' || s === 'PERMANENT' || s === 'NOARP'
  );
}

/** `ip neigh show` order. */
function byKey(a: NeighEntry, b: NeighEntry): number {
  return a.dev.ifindex - b.dev.ifindex || (a.ip >>> 0) - (b.ip >>> 0);
}

export class NeighTable {
  private entries = new Map<number, NeighEntry>();

  /** (ifindex, address) as one exact number: ifindex * 2^32 + address. */
  private key(dev: Device, ip: number): number {
    return dev.ifindex * 0x100000000 + (ip >>> 0);
  }

  get(dev: Device, ip: number): NeighEntry | undefined {
    return this.entries.get(this.key(dev, ip));
  }

  set(e: NeighEntry): void {
    this.entries.set(this.key(e.dev, e.ip), e);
  }

  delete(dev: Device, ip: number): boolean {
    const e = this.get(dev, ip);
    e?.timer?.cancel();
    return this.entries.delete(this.key(dev, ip));
  }

  flushDevice(dev: Device): void {
    for (const [k, e] of this.entries) {
      if (e.dev === dev) {
        e.timer?.cancel();
        this.entries.delete(k);
      }
    }
  }

  list(): NeighEntry[] {
    return [...this.entries.values()];
  }

  /** `ip neigh show` order: the kernel walks its hash; we use device then address for stability. */
  sorted(): NeighEntry[] {
    const out = this.list();
    if (out.length > 32) return out.sort(byKey);
    // Stable insertion sort (Array#sort's order): the table is small.
    for (let i = 1; i < out.length; i++) {
      const e = out[i]!;
      let j = i;
      while (j > 0 && byKey(out[j - 1]!, e) > 0) {
        out[j] = out[j - 1]!;
        j--;
      }
      out[j] = e;
    }
    return out;
  }

  /** As `ip neigh` prints it; `ip neigh show dev X` leaves the device out (print_neigh: !filter.index). */
  static format(e: NeighEntry, withDev = true): string {
    const dev = withDev ? ` dev ${e.dev.name}` : '';
    if (e.proxy) return `${formatIp(e.ip)}${dev} proxy`;
    const ll = e.mac && e.state !== 'INCOMPLETE' && e.state !== 'FAILED' ? ` lladdr ${e.mac}` : '';
    return `${formatIp(e.ip)}${dev}${ll} ${e.state}`;
  }
}
