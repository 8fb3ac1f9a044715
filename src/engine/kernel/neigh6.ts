/**
 * The IPv6 neighbour table (nd_tbl) of one netns, with the NUD states and the router flag
 * `ip -6 neigh` prints. Resolution (NS/NA, timers, queued packets) lives in stack/ndisc.ts.
 */
import { formatIp6 } from '../net/ipv6';
import type { Device } from './device';
import type { NudState } from './neigh';
import type { TimerHandle } from './scheduler';
import type { Skb } from './skb';

export interface Neigh6Entry {
  ip: bigint;
  dev: Device;
  mac?: string;
  state: NudState;
  /** NTF_ROUTER: the neighbour said it is a router (the R flag of its advertisement). */
  router: boolean;
  queue: { skb: Skb; done: (mac: string | undefined) => void }[];
  probes: number;
  timer?: TimerHandle;
  updated: number;
  origin: string;
}

export class Neigh6Table {
  private entries = new Map<string, Neigh6Entry>();

  private key(dev: Device, ip: bigint): string {
    return `${dev.ifindex}/${ip}`;
  }

  get(dev: Device, ip: bigint): Neigh6Entry | undefined {
    return this.entries.get(this.key(dev, ip));
  }

  set(e: Neigh6Entry): void {
    this.entries.set(this.key(e.dev, e.ip), e);
  }

  delete(dev: Device, ip: bigint): boolean {
    this.get(dev, ip)?.timer?.cancel();
    return this.entries.delete(this.key(dev, ip));
  }

  flushDevice(dev: Device): void {
    for (const [k, e] of this.entries) {
      if (e.dev !== dev) continue;
      e.timer?.cancel();
      this.entries.delete(k);
    }
  }

  /** Device, then address: the kernel walks its hash; this keeps the listing stable. */
  sorted(): Neigh6Entry[] {
    return [...this.entries.values()].sort(
      (a, b) => a.dev.ifindex - b.dev.ifindex || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0),
    );
  }

  static format(e: Neigh6Entry): string {
    const ll = e.mac && e.state !== 'INCOMPLETE' && e.state !== 'FAILED' ? ` lladdr ${e.mac}` : '';
    return `${formatIp6(e.ip)} dev ${e.dev.name}${ll}${e.router ? ' router' : ''} ${e.state}`;
  }
}
